// Two tabs of issue 15: the insured register's import (参保登记导入, insurance-agency staff only)
// and the report of subsidised contributions (资助参保报表, an office's or the agency's region's).
//
// The import sends the file (CSV in UTF-8 or GBK, or .xlsx) in parts no larger than the gateway's
// body limit, then polls the job (stored in the database, so any instance answers) until it is
// done. A refused file lists every bad line the gateway found, each in the page's language; the
// import is all or nothing, so nothing of such a file was written.

import { api } from './api.js';
import { errorText, fieldLabel, t } from './i18n.js';
import {
  $,
  PAGE_SIZE,
  cell,
  fen,
  handle,
  localFailure,
  maskIdNo,
  money,
  pager,
  renderPager,
  showError,
} from './ui.js';

/** Bytes per uploaded part: under the gateway's body limit (http.bodyLimitBytes, 2 MiB). */
const PART_BYTES = 1 << 20;

/** How often a running import is polled, milliseconds. */
const POLL_MILLIS = 500;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const state = { job: null, report: null, page: 1 };

/** An amount of the gateway's JSON (yuan, two decimals) as the page shows money. */
const yuan = (amount) => money(fen(amount));

export function resetAgency() {
  state.job = null;
  state.report = null;
  state.page = 1;
  $('#register-job').hidden = true;
  $('#register-refusals tbody').replaceChildren();
  for (const id of ['#subsidies-totals', '#subsidies-finance', '#subsidies-categories',
    '#subsidies-offices', '#subsidies-table']) {
    $(`${id} tbody`).replaceChildren();
  }
}

// ---- the register import

handle($('#register-form'), async () => {
  const file = $('#register-file').files[0];
  if (!file) throw localFailure('file', t('import.noFile'));
  const type = /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
  const parts = Math.max(1, Math.ceil(file.size / PART_BYTES));
  state.job = null;
  renderJob();
  let job = null;
  for (let i = 0; i < parts; i++) {
    const part = file.slice(i * PART_BYTES, (i + 1) * PART_BYTES);
    const more = i + 1 < parts;
    job = job
      ? await api.appendRegisterPart(job.id, part, type, more)
      : await api.startRegisterImport(part, type, more);
    state.job = job;
    renderJob(i + 1, parts);
  }
  $('#register-file').value = '';
  await follow(job.id);
});

async function follow(id) {
  while (state.job && state.job.id === id && ['UPLOADING', 'RUNNING'].includes(state.job.state)) {
    await new Promise((done) => setTimeout(done, POLL_MILLIS));
    try {
      state.job = await api.registerImport(id);
    } catch (failure) {
      showError($('#register-form'), failure);
      return;
    }
    renderJob();
  }
}

function renderJob(partsSent, parts) {
  const j = state.job;
  const box = $('#register-job');
  box.hidden = !j;
  if (!j) return;
  box.dataset.state = j.state;
  const progress = $('#register-progress');
  const text = $('#register-state');
  if (j.state === 'UPLOADING') {
    progress.value = Math.round((100 * (partsSent || 0)) / (parts || 1));
    text.textContent = t('register.uploading', { bytes: j.bytes });
  } else if (j.state === 'RUNNING') {
    // reading and COPY, then the checks, then the merge: a third each
    const phase = j.rowsValidated > 0 ? 2 : j.rowsRead > 0 ? 1 : 0;
    progress.value = Math.min(99, 33 * phase + 10);
    text.textContent = t('register.running', j);
  } else {
    progress.value = 100;
    text.textContent = t(`register.state.${j.state}`, j);
  }
  const body = $('#register-refusals tbody');
  body.replaceChildren();
  const lines = j.refusals && j.refusals.length ? j.refusals : j.refusal ? [j.refusal] : [];
  for (const r of lines) {
    const row = body.insertRow();
    const field = r.field ? r.field.replace(/^line \d+: /, '') : '';
    cell(row, r.line == null ? '' : String(r.line), 'num');
    cell(row, field ? fieldLabel(field) : '');
    cell(row, errorText(r.code, r.message, r.field) || r.message);
  }
  $('#register-refusals').hidden = lines.length === 0;
}

// ---- the subsidy report

$('#subsidies-year').value = String(new Date().getFullYear());

handle($('#subsidies-form'), async () => {
  state.page = 1;
  await loadSubsidies();
});

pager($('#subsidies-pager'), () => state.report, (page) => {
  state.page = page;
  return loadSubsidies();
});

export async function loadSubsidies() {
  const year = $('#subsidies-year').value;
  $('#subsidies-export').href = api.subsidiesExportUrl({ year });
  try {
    state.report = await api.subsidies({ year, page: state.page, size: PAGE_SIZE });
  } catch (failure) {
    showError($('#subsidies-form'), failure);
    return;
  }
  $('#subsidies-form > .error').hidden = true;
  renderSubsidies();
}

export function renderSubsidies() {
  renderJob();
  const r = state.report;
  if (!r) return;
  $('#subsidies-scope').textContent = t(`subsidies.scope.${r.scope.kind}`, {
    code: r.scope.code,
    year: r.year,
  });
  const totals = $('#subsidies-totals tbody');
  totals.replaceChildren();
  const row = totals.insertRow();
  cell(row, String(r.totals.persons), 'num');
  cell(row, yuan(r.totals.contribution), 'num');
  cell(row, yuan(r.totals.subsidy), 'num');
  cell(row, yuan(r.totals.paidByPerson), 'num');

  const finance = $('#subsidies-finance tbody');
  finance.replaceChildren();
  for (const f of r.finance) {
    const x = finance.insertRow();
    cell(x, String(f.year));
    cell(x, f.admdvs);
    cell(x, String(f.persons), 'num');
    cell(x, yuan(f.subsidy), 'num');
  }
  groups($('#subsidies-categories tbody'), r.byCategory, (key) =>
    key === 'NONE' ? t('subsidies.none') : t(`category.${key}`),
  );
  groups($('#subsidies-offices tbody'), r.byOffice, (key) => key);
  const missing = $('#subsidies-missing');
  missing.hidden = r.missingStandards.length === 0;
  missing.textContent = t('subsidies.missing', { regions: r.missingStandards.join('、') });

  const body = $('#subsidies-table tbody');
  body.replaceChildren();
  for (const l of r.items) {
    const x = body.insertRow();
    cell(x, maskIdNo(l.personIdNo), 'idno');
    cell(x, l.personName);
    cell(x, l.officeCode);
    cell(x, l.categories.map((c) => t(`category.${c}`)).join('、'));
    cell(x, l.admdvs);
    cell(x, l.contribution == null ? '' : yuan(l.contribution), 'num');
    cell(x, l.subsidy == null ? '' : yuan(l.subsidy), 'num');
    cell(x, l.paidByPerson == null ? '' : yuan(l.paidByPerson), 'num');
  }
  renderPager($('#subsidies-pager'), r, 'coverage.page');
}

function groups(body, list, label) {
  body.replaceChildren();
  for (const g of list) {
    const x = body.insertRow();
    x.dataset.key = g.key;
    cell(x, label(g.key));
    cell(x, String(g.persons), 'num');
    cell(x, yuan(g.subsidy), 'num');
  }
}
