// The identity roster tab: search, register, edit, end and confirm identities, and import (CSV or
// .xlsx, previewed before anything is written) or export the office's roster as CSV. ID numbers
// are shown masked; a refused import shows its first refused lines, each naming its line.

import { ApiFailure, api } from './api.js';
import { errorText, t } from './i18n.js';
import {
  $, PAGE_SIZE, button, cell, clearMessages, handle, localFailure, maskIdNo, pager, renderPager,
  showError, showOk,
} from './ui.js';

const state = {
  roster: null,
  rosterFilter: { q: '', category: '', page: 1 },
};

/** Forgets the last manager's roster (at logout). */
export function resetRoster() {
  state.roster = null;
  state.rosterFilter = { q: '', category: '', page: 1 };
  $('#search-form').reset();
  $('#roster-table tbody').replaceChildren();
  for (const id of ['#identity-form', '#end-form', '#roster-ok']) $(id).hidden = true;
  closePreview();
  hideProgress();
}

handle($('#search-form'), async (data) => {
  $('#roster-ok').hidden = true;
  state.rosterFilter = { q: data.get('q').trim(), category: data.get('category'), page: 1 };
  await loadRoster($('#search-form'));
});

pager($('#roster-pager'), () => state.roster, (page) => {
  state.rosterFilter.page = page;
  return loadRoster($('#search-form'));
});

export async function loadRoster(form) {
  try {
    state.roster = await api.identities({ ...state.rosterFilter, size: PAGE_SIZE });
  } catch (failure) {
    showError(form || $('#roster-error'), failure);
    return;
  }
  renderRoster();
}

export function renderRoster() {
  const body = $('#roster-table tbody');
  body.replaceChildren();
  const page = state.roster;
  if (!page) return;
  for (const v of page.items) {
    const row = body.insertRow();
    row.dataset.identityId = v.identityId;
    if (v.validTo) row.classList.add('ended');
    cell(row, maskIdNo(v.personIdNo), 'idno');
    cell(row, v.personName);
    cell(row, t(`category.${v.category}`));
    cell(row, v.validFrom);
    cell(row, v.validTo);
    cell(row, v.confirmed ? t('roster.yes') : t('roster.no'));
    cell(row, v.liftedOutDate);
    const actions = row.insertCell();
    actions.className = 'actions';
    actions.append(button(t('roster.edit'), 'edit', () => editIdentity(v)));
    actions.append(button(t('roster.end'), 'end', () => endIdentity(v)));
    if (!v.confirmed) {
      actions.append(button(t('roster.confirm'), 'confirm', () => confirmIdentity(v)));
    }
  }
  $('#roster-none').hidden = page.items.length > 0;
  renderPager($('#roster-pager'), page, 'roster.page');
}


const identityForm = $('#identity-form');

function openIdentityForm(v) {
  $('#roster-ok').hidden = true;
  identityForm.reset();
  clearMessages(identityForm);
  $('#end-form').hidden = true;
  const editing = !!v;
  $('#identity-form-title').dataset.i18n = editing ? 'identity.edit.title' : 'identity.add.title';
  $('#identity-form-title').textContent = t($('#identity-form-title').dataset.i18n);
  identityForm.elements.identityId.value = editing ? v.identityId : '';
  const idNo = $('#identity-idno');
  idNo.disabled = editing;
  idNo.required = !editing;
  idNo.value = editing ? maskIdNo(v.personIdNo) : '';
  $('#identity-category').disabled = editing;
  if (editing) {
    $('#identity-name').value = v.personName || '';
    $('#identity-category').value = v.category;
    $('#identity-from').value = v.validFrom;
    $('#identity-to').value = v.validTo || '';
    $('#identity-lifted').value = v.liftedOutDate || '';
    $('#identity-confirmed').checked = v.confirmed;
  }
  showLifted();
  identityForm.hidden = false;
  (editing ? $('#identity-name') : idNo).focus();
}

function showLifted() {
  $('#identity-lifted-label').hidden = $('#identity-category').value !== 'REGISTERED_POOR';
}

$('#identity-category').addEventListener('change', showLifted);
$('#identity-new').addEventListener('click', () => openIdentityForm(null));
$('#identity-cancel').addEventListener('click', () => (identityForm.hidden = true));

function editIdentity(v) {
  openIdentityForm(v);
}

/** The form's optional fields, left out when empty. */
function identityFields(data) {
  const out = {};
  const name = data.get('personName').trim();
  if (name) out.personName = name;
  out.validFrom = data.get('validFrom');
  if (data.get('validTo')) out.validTo = data.get('validTo');
  out.confirmed = data.get('confirmed') === 'on';
  if ($('#identity-category').value === 'REGISTERED_POOR' && data.get('liftedOutDate')) {
    out.liftedOutDate = data.get('liftedOutDate');
  }
  return out;
}

handle(identityForm, async (data) => {
  const id = data.get('identityId');
  const saved = id
    ? await api.change(id, identityFields(data))
    : await api.register({
        personIdNo: data.get('personIdNo').trim().toUpperCase(),
        category: data.get('category'),
        ...identityFields(data),
      });
  identityForm.hidden = true;
  rosterOk(t('identity.saved', { name: saved.personName || maskIdNo(saved.personIdNo),
    category: t(`category.${saved.category}`) }));
  await loadRoster();
});

function rosterOk(text) {
  const p = $('#roster-ok');
  p.textContent = text;
  p.hidden = false;
}

function endIdentity(v) {
  $('#roster-ok').hidden = true;
  const form = $('#end-form');
  form.reset();
  clearMessages(form);
  identityForm.hidden = true;
  form.elements.identityId.value = v.identityId;
  $('#end-who').textContent =
    `${maskIdNo(v.personIdNo)} ${v.personName || ''} · ${t(`category.${v.category}`)}`;
  form.hidden = false;
  $('#end-to').focus();
}

$('#end-cancel').addEventListener('click', () => ($('#end-form').hidden = true));

handle($('#end-form'), async (data) => {
  const ended = await api.end(data.get('identityId'), data.get('validTo'));
  $('#end-form').hidden = true;
  rosterOk(t('end.done', { validTo: ended.validTo }));
  await loadRoster();
});

async function confirmIdentity(v) {
  $('#roster-error').hidden = true;
  try {
    await api.confirm(v.identityId);
    await loadRoster();
  } catch (failure) {
    showError($('#roster-error'), failure);
  }
}

// ---- import: upload in parts, check, preview, then confirm or cancel
// The file goes up in parts of PART_BYTES (XMLHttpRequest reports each part's bytes sent), the
// gateway checks it as a job the page polls, and the plan (new, changed, ended, unchanged, the
// first refused lines) is shown before anything is written. Confirm writes exactly that plan;
// cancel drops it. Each step's progress is a bar; the job lives in the gateway's database, so any
// gateway instance answers the polls.

/** Bytes per uploaded part (the gateway's RosterImports.PART_BYTES_MAX). */
const PART_BYTES = 1 << 20;

/** How often a job is polled while the gateway works on it, milliseconds. */
const POLL_MILLIS = 400;

const importForm = $('#import-form');
let currentImport = null;

function showProgress(phase, done, total, detail) {
  $('#import-progress').hidden = false;
  $('#import-phase').textContent = t(`import.phase.${phase}`);
  const bar = $('#import-bar');
  if (total > 0) {
    bar.max = total;
    bar.value = Math.min(done, total);
    $('#import-percent').textContent = `${Math.floor((100 * Math.min(done, total)) / total)}%`;
  } else {
    bar.removeAttribute('value');
    $('#import-percent').textContent = '';
  }
  $('#import-detail').textContent = detail || '';
  bar.dataset.phase = phase;
}

function hideProgress() {
  $('#import-progress').hidden = true;
}

const sleep = (millis) => new Promise((resolve) => setTimeout(resolve, millis));

/** Polls a job while the gateway works on it (state `working`), showing its progress. */
async function follow(job, working, phase) {
  let s = job;
  while (s.state === working && !s.interrupted) {
    const detail = s.rows ? t('import.rowsRead', { rows: s.rows.toLocaleString('en-US') }) : '';
    showProgress(phase, s.done, s.total, detail);
    await sleep(POLL_MILLIS);
    s = await api.importStatus(s.id);
  }
  return s;
}

/** A job's refusal as the page shows any refusal (translated, with the job as the reference). */
function jobFailure(s, r) {
  return new ApiFailure(422, { code: r.code, message: r.message, field: r.field,
    correlationId: s.id });
}

function renderPreview(s) {
  const preview = $('#import-preview');
  $('#import-new').textContent = s.registered.toLocaleString('en-US');
  $('#import-changed').textContent = s.changed.toLocaleString('en-US');
  $('#import-ended').textContent = s.ended.toLocaleString('en-US');
  $('#import-unchanged').textContent = s.unchanged.toLocaleString('en-US');
  $('#import-refused-count').textContent = s.refusedLines.toLocaleString('en-US');
  preview.dataset.state = s.state;
  const list = $('#import-refused');
  list.replaceChildren();
  for (const r of s.refused) {
    const li = document.createElement('li');
    li.dataset.line = r.line;
    li.dataset.code = r.code;
    li.textContent = errorText(r.code, r.message, r.field) || r.message;
    list.append(li);
  }
  $('#import-refused-title').hidden = s.refused.length === 0;
  $('#import-refused-title').textContent = t('import.refusedFirst', {
    shown: s.refused.length, total: s.refusedLines.toLocaleString('en-US') });
  $('#import-confirm').hidden = s.state !== 'PREVIEW';
  $('#import-plan-note').textContent =
    t(s.state === 'PREVIEW' ? 'import.planNote' : 'import.refusedNote', { rows: s.rows.toLocaleString('en-US') });
  preview.hidden = false;
}

function closePreview() {
  $('#import-preview').hidden = true;
  currentImport = null;
}

/** Drops a job the clerk leaves (a new file chosen, cancel): nothing of it is written. */
async function dropCurrent() {
  const s = currentImport;
  closePreview();
  if (s && (s.state === 'PREVIEW' || s.state === 'UPLOADING' || s.state === 'CHECKING')) {
    try {
      await api.cancelImport(s.id);
    } catch (e) {
      // already gone or expired: nothing to drop
    }
  }
}

handle(importForm, async () => {
  const file = $('#import-file').files[0];
  if (!file) throw localFailure('file', t('import.noFile'));
  await dropCurrent();
  try {
    let s = await api.createImport(file.size, file.type);
    currentImport = s;
    for (let seq = 0, from = 0; from < file.size; seq++, from += PART_BYTES) {
      const part = file.slice(from, Math.min(from + PART_BYTES, file.size));
      showProgress('upload', from, file.size);
      s = await api.importPart(s.id, seq, part, (sent) => showProgress('upload', from + sent, file.size));
    }
    showProgress('upload', file.size, file.size);
    s = await follow(await api.checkImport(s.id), 'CHECKING', 'check');
    currentImport = s;
    hideProgress();
    if (s.interrupted) throw jobFailure(s, { code: 'IMPORT_INTERRUPTED', message: null, field: null });
    if (s.state !== 'PREVIEW' && s.state !== 'REFUSED') throw jobFailure(s, s.failure || {});
    renderPreview(s);
    if (s.state === 'REFUSED') showError(importForm, jobFailure(s, s.refused[0]));
  } catch (failure) {
    hideProgress();
    throw failure;
  }
});

$('#import-confirm').addEventListener('click', async () => {
  const job = currentImport;
  if (!job) return;
  clearMessages(importForm);
  const buttons = importForm.querySelectorAll('button');
  buttons.forEach((b) => (b.disabled = true));
  try {
    let s = await api.confirmImport(job.id);
    s = await follow(s, 'APPLYING', 'apply');
    hideProgress();
    if (s.state !== 'APPLIED') {
      closePreview();
      throw jobFailure(s, s.failure || { code: s.interrupted ? 'IMPORT_INTERRUPTED' : 'IMPORT_FAILED' });
    }
    closePreview();
    showOk(importForm, t('import.done', s));
    $('#import-file').value = '';
    await loadRoster();
  } catch (failure) {
    hideProgress();
    showError(importForm, failure);
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
});

$('#import-cancel').addEventListener('click', async () => {
  clearMessages(importForm);
  await dropCurrent();
  $('#import-file').value = '';
  showOk(importForm, t('import.cancelled'));
});
