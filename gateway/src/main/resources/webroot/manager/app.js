// The civil-affairs prepayment managers' page: a thin client of /manager/api (see ManagerApi.java).
//
// The page keeps what it last fetched (the office's accounts, the selected account's entries and
// statements, a page of the roster) and renders from it, so switching the language redraws
// without asking the gateway again. Each form shows its own outcome: a short confirmation, or the
// gateway's error {code, message, field, correlationId} right under the form that caused it.
// Money arrives as JSON numbers of yuan with two decimals; the page turns them into integer fen
// at once and formats from fen, and sends amounts back as the decimal text the manager typed.

import { api, ApiFailure, whenUnauthenticated } from './api.js';
import { applyLabels, currentLang, setLang, t } from './i18n.js';
import { drawDaily } from './chart.js';

/** Rows per page of entries and of the roster. */
const PAGE_SIZE = 20;
/** Days the drawdown chart covers. */
const CHART_DAYS = 30;
/** A positive amount of yuan with at most two decimals, below the gateway's 10^10 limit. */
const AMOUNT = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

const $ = (selector, root = document) => root.querySelector(selector);

const state = {
  me: null,
  accounts: [],
  selected: null,
  entries: null,
  entryFilter: { kind: '', from: '', to: '', page: 1 },
  daily: null,
  statements: [],
  roster: null,
  rosterFilter: { q: '', category: '', page: 1 },
};

// ---- formatting

const fen = (yuan) => Math.round(Number(yuan || 0) * 100);

/** 123456 fen → "1,234.56". */
function money(f) {
  const sign = f < 0 ? '-' : '';
  const abs = Math.abs(f);
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** The gateway's masking rule (Masking.idNo): the first character and the last two. */
function maskIdNo(idNo) {
  if (!idNo) return '';
  if (idNo.length <= 3) return '*'.repeat(idNo.length);
  return idNo[0] + '*'.repeat(idNo.length - 3) + idNo.slice(-2);
}

const time = (iso) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

// ---- messages next to forms

function clearMessages(form) {
  for (const p of form.querySelectorAll(':scope > .error, :scope > .ok')) {
    p.hidden = true;
    p.textContent = '';
  }
}

function showOk(form, text) {
  const p = $(':scope > .ok', form);
  p.textContent = text;
  p.hidden = false;
}

/** Shows an API failure in `target` (a form, whose .error is used, or a .error element). */
function showError(target, failure) {
  const p = target.matches('.error') ? target : $(':scope > .error', target);
  p.replaceChildren();
  if (!(failure instanceof ApiFailure)) {
    p.textContent = String(failure && failure.message ? failure.message : failure);
    p.hidden = false;
    console.error(failure);
    return;
  }
  const message = document.createElement('span');
  message.className = 'message';
  message.textContent = failure.code === 'NETWORK' ? t('error.network') : failure.message;
  p.append(message);
  const details = [];
  if (failure.code && failure.code !== 'NETWORK') details.push(failure.code);
  if (failure.field) details.push(`${t('error.field')}: ${failure.field}`);
  if (failure.correlationId) details.push(`${t('error.correlation')}: ${failure.correlationId}`);
  if (details.length) {
    const small = document.createElement('small');
    small.textContent = details.join(' · ');
    p.append(' ', small);
  }
  p.hidden = false;
}

/** Runs a form's action with its button disabled; shows a failure under the form. */
function handle(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages(form);
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    try {
      await action(new FormData(form));
    } catch (failure) {
      showError(form, failure);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}

function localFailure(field, message) {
  return new ApiFailure(400, { code: 'INVALID_FIELD', field, message });
}

// ---- session

function showLogin() {
  state.me = null;
  $('#app-view').hidden = true;
  $('#who').hidden = true;
  $('#login-view').hidden = false;
  $('#login-username').focus();
}

async function showApp(me) {
  state.me = me;
  $('#login-view').hidden = true;
  $('#who').hidden = false;
  $('#who-name').textContent = `${me.name} (${me.username})`;
  $('#who-office').textContent = me.officeCode;
  $('#app-view').hidden = false;
  await Promise.all([loadHospitals(), loadAccounts(), loadRoster()]);
}

handle($('#login-form'), async (data) => {
  const login = await api.login(data.get('username').trim(), data.get('password'));
  $('#login-password').value = '';
  await showApp(login.manager);
});

$('#logout').addEventListener('click', async () => {
  try {
    await api.logout();
  } finally {
    showLogin();
  }
});

whenUnauthenticated(() => {
  if (state.me) {
    showLogin();
    const p = $('#login-form > .error');
    p.textContent = t('error.session');
    p.hidden = false;
  }
});

// ---- tabs and language

for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    for (const other of document.querySelectorAll('[role=tab]')) {
      const on = other === tab;
      other.setAttribute('aria-selected', String(on));
      $(`#${other.dataset.tab}-view`).hidden = !on;
    }
  });
}

$('#lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
  renderAll();
});

function renderAll() {
  renderAccounts();
  if (state.selected) {
    renderAccountHeader();
    renderChart();
    renderEntries();
    renderStatements();
  }
  renderRoster();
}

// ---- accounts

async function loadHospitals() {
  const hospitals = await api.hospitals();
  const select = $('#open-hospital');
  select.replaceChildren();
  for (const h of hospitals) {
    select.append(new Option(`${h.name} (${h.code})`, h.code));
  }
}

/** Fetches the office's accounts and redraws them; false (with the error shown) on failure. */
async function loadAccounts() {
  const p = $('#accounts-error');
  p.hidden = true;
  try {
    state.accounts = await api.accounts();
  } catch (failure) {
    showError(p, failure);
    return false;
  }
  if (state.selected) {
    state.selected = state.accounts.find((a) => a.id === state.selected.id) || null;
  }
  renderAccounts();
  if (state.selected) renderAccountHeader();
  return true;
}

function renderAccounts() {
  const body = $('#accounts-table tbody');
  body.replaceChildren();
  for (const a of state.accounts) {
    const row = body.insertRow();
    row.dataset.accountId = a.id;
    row.className = 'clickable' + (a.lowBalance ? ' low' : '');
    if (state.selected && state.selected.id === a.id) row.classList.add('selected');
    row.tabIndex = 0;
    cell(row, `${a.hospitalName || ''} (${a.hospitalCode})`);
    cell(row, money(fen(a.balance)), 'num balance');
    cell(row, money(fen(a.advanceOwed)), 'num');
    cell(row, money(fen(a.lowBalanceThreshold)), 'num');
    cell(row, t(`mode.${a.mode}`));
    cell(row, a.openPeriod);
    const alert = cell(row, a.lowBalance ? t('accounts.low') : t('accounts.ok'), 'alert');
    if (a.lowBalance) alert.classList.add('badge-low');
    row.addEventListener('click', () => selectAccount(a.id));
    row.addEventListener('keydown', (e) => e.key === 'Enter' && selectAccount(a.id));
  }
  $('#accounts-none').hidden = state.accounts.length > 0;
}

$('#accounts-refresh').addEventListener('click', async () => {
  await loadAccounts();
  if (state.selected) await loadAccountDetail();
});

handle($('#open-form'), async (data) => {
  const account = await api.openAccount(data.get('hospitalCode'));
  await loadAccounts();
  await selectAccount(account.id);
});

async function selectAccount(id) {
  // Settlements move balances all day: show the account as it is now, not as first listed.
  state.selected = { id };
  if (!(await loadAccounts())) state.selected = null;
  state.entryFilter = { kind: '', from: '', to: '', page: 1 };
  $('#entries-form').reset();
  for (const f of ['#topup-form', '#settings-form', '#close-form']) clearMessages($(f));
  $('#account-none').hidden = !!state.selected;
  $('#account-detail').hidden = !state.selected;
  if (!state.selected) return;
  renderAccountHeader();
  $('#settings-mode').value = state.selected.mode;
  $('#settings-threshold').value = money(fen(state.selected.lowBalanceThreshold)).replace(/,/g, '');
  $('#topup-reference').value = '';
  $('#topup-amount').value = '';
  await loadAccountDetail();
}

function renderAccountHeader() {
  const a = state.selected;
  $('#account-name').textContent =
    `${a.hospitalName || a.hospitalCode} · ${money(fen(a.balance))} · ${a.openPeriod}`;
  const period = $('#close-period');
  if (!period.value || period.dataset.account !== String(a.id) || period.dataset.open !== a.openPeriod) {
    period.value = a.openPeriod;
    period.dataset.account = String(a.id);
    period.dataset.open = a.openPeriod;
  }
}

async function loadAccountDetail() {
  await Promise.all([loadChart(), loadEntries(), loadStatements()]);
}

/** Replaces the selected account by the fresher copy a change returned. */
function updateAccount(account) {
  const view = { ...state.selected, ...account };
  state.accounts = state.accounts.map((a) => (a.id === view.id ? view : a));
  state.selected = view;
  renderAccounts();
  renderAccountHeader();
}

handle($('#topup-form'), async (data) => {
  const reference = data.get('reference').trim();
  const amount = data.get('amount').trim();
  if (!AMOUNT.test(amount) || fen(amount) <= 0) throw localFailure('amount', t('error.amount'));
  const result = await api.topUp(state.selected.id, reference, amount);
  updateAccount(result.account);
  const args = { amount: money(fen(result.amount)), reference };
  showOk($('#topup-form'), t(result.replayed ? 'topup.replayed' : 'topup.done', args));
  $('#topup-amount').value = '';
  await Promise.all([loadChart(), loadEntries()]);
});

handle($('#settings-form'), async (data) => {
  const threshold = data.get('lowBalanceThreshold').trim().replace(/,/g, '');
  if (!AMOUNT.test(threshold)) throw localFailure('lowBalanceThreshold', t('error.amount'));
  const account = await api.settings(state.selected.id, data.get('mode'), threshold);
  updateAccount(account);
  showOk($('#settings-form'), t('settings.saved'));
});

handle($('#close-form'), async (data) => {
  const period = data.get('period').trim();
  if (!window.confirm(t('close.confirm', { period }))) return;
  const statement = await api.close(state.selected.id, period);
  showOk($('#close-form'), t('close.done', { period, closing: money(fen(statement.closingBalance)) }));
  await loadAccounts();
  await Promise.all([loadStatements(), loadEntries()]);
});

// ---- the chart

async function loadChart() {
  const p = $('#chart-error');
  p.hidden = true;
  try {
    state.daily = await api.daily(state.selected.id, CHART_DAYS);
  } catch (failure) {
    showError(p, failure);
    return;
  }
  renderChart();
}

function renderChart() {
  if (!state.daily) return;
  drawDaily($('#chart'), state.daily, CHART_DAYS, {
    title: t('chart.title'),
    drawdowns: t('chart.drawdowns'),
    advances: t('chart.advances'),
    empty: t('chart.empty'),
  }, money);
}

// ---- entries

handle($('#entries-form'), async (data) => {
  state.entryFilter = { kind: data.get('kind'), from: data.get('from'), to: data.get('to'), page: 1 };
  await loadEntries($('#entries-form'));
});

pager($('#entries-pager'), () => state.entries, (page) => {
  state.entryFilter.page = page;
  return loadEntries($('#entries-form'));
});

async function loadEntries(form) {
  const f = state.entryFilter;
  try {
    state.entries = await api.entries(state.selected.id, { ...f, size: PAGE_SIZE });
  } catch (failure) {
    showError(form || $('#entries-form'), failure);
    return;
  }
  renderEntries();
}

function renderEntries() {
  const body = $('#entries-table tbody');
  body.replaceChildren();
  const page = state.entries;
  if (!page) return;
  for (const e of page.items) {
    const row = body.insertRow();
    row.dataset.kind = e.kind;
    row.className = `kind-${e.kind.toLowerCase()}`;
    cell(row, time(e.createdAt));
    cell(row, t(`kind.${e.kind}`));
    cell(row, money(fen(e.amount)), 'num');
    cell(row, e.topUpRef || e.claimNo || '');
    cell(row, e.period);
  }
  $('#entries-none').hidden = page.items.length > 0;
  renderPager($('#entries-pager'), page, 'entries.page');
}

// ---- statements

async function loadStatements() {
  const p = $('#statements-error');
  p.hidden = true;
  try {
    state.statements = await api.statements(state.selected.id);
  } catch (failure) {
    showError(p, failure);
    return;
  }
  renderStatements();
}

function renderStatements() {
  const body = $('#statements-table tbody');
  body.replaceChildren();
  for (const s of state.statements) {
    const row = body.insertRow();
    row.dataset.period = s.period;
    cell(row, s.period);
    for (const k of ['openingBalance', 'topUps', 'drawdowns', 'reversalCredits', 'advances', 'closingBalance']) {
      cell(row, money(fen(s[k])), 'num');
    }
    cell(row, String(s.settlementCount), 'num');
    cell(row, time(s.closedAt));
    const link = document.createElement('a');
    link.href = api.statementCsvUrl(s.accountId, s.period);
    link.textContent = t('statements.csv');
    link.className = 'csv';
    link.setAttribute('download', '');
    row.insertCell().append(link);
  }
  $('#statements-none').hidden = state.statements.length > 0;
}

// ---- paging

function pager(element, pageOf, go) {
  for (const button of element.querySelectorAll('button')) {
    button.addEventListener('click', () => {
      const page = pageOf();
      if (page) go(page.page + Number(button.dataset.step));
    });
  }
}

function renderPager(element, page, label) {
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  $('.page-info', element).textContent = t(label, { page: page.page, pages, total: page.total });
  $('[data-step="-1"]', element).disabled = page.page <= 1;
  $('[data-step="1"]', element).disabled = page.page >= pages;
  element.hidden = page.total <= page.size && page.page === 1;
}

// ---- the identity roster

handle($('#search-form'), async (data) => {
  $('#roster-ok').hidden = true;
  state.rosterFilter = { q: data.get('q').trim(), category: data.get('category'), page: 1 };
  await loadRoster($('#search-form'));
});

pager($('#roster-pager'), () => state.roster, (page) => {
  state.rosterFilter.page = page;
  return loadRoster($('#search-form'));
});

async function loadRoster(form) {
  try {
    state.roster = await api.identities({ ...state.rosterFilter, size: PAGE_SIZE });
  } catch (failure) {
    showError(form || $('#roster-error'), failure);
    return;
  }
  renderRoster();
}

function renderRoster() {
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

function button(text, action, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.dataset.action = action;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
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

handle($('#import-form'), async () => {
  const file = $('#import-file').files[0];
  if (!file) throw localFailure('file', t('import.noFile'));
  const r = await api.importRoster(file);
  showOk($('#import-form'), t('import.done', r));
  $('#import-file').value = '';
  await loadRoster();
});

// ---- start

async function start() {
  applyLabels(document);
  try {
    await showApp(await api.me());
  } catch (failure) {
    if (failure instanceof ApiFailure && failure.status === 401) {
      showLogin();
    } else {
      showLogin();
      showError($('#login-form'), failure);
    }
  }
}

start();
