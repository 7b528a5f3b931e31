// The prepayment accounts tab: the office's accounts with balances and alerts and its drawdowns
// per day and hospital, and the chosen account's settings, top-ups, period close, its balance
// against the alert line with the run-out forecast, drawdowns per day, entries (who was paid, the
// balance each left) and statements, each printable on one A4 sheet to sign. Amounts go back to
// the gateway as the decimal text the manager typed, never through a binary float.

import { api } from './api.js';
import { t } from './i18n.js';
import { disposeCharts, drawBalance, drawDaily, drawHospitals } from './chart.js';
import { printSheet } from './statement.js';
import {
  $, PAGE_SIZE, cell, clearMessages, fen, handle, localFailure, maskIdNo, money, pager,
  renderPager, showError, showOk, time,
} from './ui.js';

/** Days the charts cover (the forecast's own window is the server's: 30 whole days). */
const CHART_DAYS = 30;
/** An amount of yuan with at most two decimals, below the gateway's 10^10 limit (once plain). */
const AMOUNT = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

/**
 * An amount as people type it, made plain only to check it here: full-width digits and
 * punctuation (５，０００．００) become ASCII, thousands separators go. The gateway is sent the text
 * as typed and reads it the same way (its TypedAmount), so the page never refuses what it accepts.
 */
function plainAmount(typed) {
  return typed.normalize('NFKC').replace(/[,\s]/g, '');
}

const state = {
  accounts: [],
  selected: null,
  entries: null,
  entryFilter: { kind: '', from: '', to: '', page: 1 },
  daily: null,
  forecast: null,
  office: null,
  statements: [],
};

/** Redraws what was last fetched (after a language switch). */
export function renderAccountsTab() {
  renderAccounts();
  renderOfficeChart();
  if (state.selected) {
    renderAccountHeader();
    renderChart();
    renderEntries();
    renderStatements();
  }
}

/** Forgets the last manager's accounts (at logout). */
export function resetAccounts() {
  state.accounts = [];
  state.selected = null;
  state.daily = null;
  state.forecast = null;
  state.office = null;
  disposeCharts();
  $('#accounts-table tbody').replaceChildren();
  $('#account-detail').hidden = true;
  $('#account-none').hidden = false;
  $('#account-name').textContent = '';
}

export async function loadHospitals() {
  const hospitals = await api.hospitals();
  const select = $('#open-hospital');
  select.replaceChildren();
  for (const h of hospitals) {
    select.append(new Option(`${h.name} (${h.code})`, h.code));
  }
}

/** Fetches the office's accounts and redraws them; false (with the error shown) on failure. */
export async function loadAccounts() {
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
  loadOfficeChart();
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
    labelCells(row, '#accounts-table');
    row.addEventListener('click', () => selectAccount(a.id));
    row.addEventListener('keydown', (e) => e.key === 'Enter' && selectAccount(a.id));
  }
  $('#accounts-none').hidden = state.accounts.length > 0;
}

/** Names each cell after its column, for the narrow (phone) layout, where a row is a card. */
function labelCells(row, table) {
  const heads = document.querySelectorAll(`${table} thead th`);
  [...row.cells].forEach((td, i) => {
    td.dataset.label = heads[i] ? heads[i].textContent : '';
  });
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
  // offer the last ended period still open (the server says which, by its clock and zone); a
  // period that has not ended cannot be closed, or later drawdowns would land in the next one
  const period = $('#close-period');
  if (!period.value || period.dataset.account !== String(a.id) || period.dataset.open !== a.openPeriod) {
    period.value = a.closablePeriod || '';
    period.dataset.account = String(a.id);
    period.dataset.open = a.openPeriod;
  }
  const hint = $('#close-hint');
  hint.hidden = Boolean(a.closablePeriod);
  hint.textContent = a.closablePeriod
    ? ''
    : t('close.notEnded', { period: a.openPeriod, from: firstDayAfter(a.openPeriod) });
}

/** The first day after a period (YYYY-MM): the day it may be closed from. */
function firstDayAfter(period) {
  const [year, month] = period.split('-').map(Number);
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
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
  const plain = plainAmount(amount);
  if (!AMOUNT.test(plain) || fen(plain) <= 0) throw localFailure('amount', t('error.amount'));
  const result = await api.topUp(state.selected.id, reference, amount);
  updateAccount(result.account);
  const args = { amount: money(fen(result.amount)), reference };
  showOk($('#topup-form'), t(result.replayed ? 'topup.replayed' : 'topup.done', args));
  $('#topup-amount').value = '';
  // the form is free again at once: the charts, forecast and entries follow (each shows its own
  // failure), so a second top-up need not wait for them
  loadChart();
  loadEntries();
});

handle($('#settings-form'), async (data) => {
  const threshold = data.get('lowBalanceThreshold').trim();
  if (!AMOUNT.test(plainAmount(threshold))) {
    throw localFailure('lowBalanceThreshold', t('error.amount'));
  }
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

// ---- the charts and the forecast

async function loadChart() {
  const p = $('#chart-error');
  p.hidden = true;
  try {
    [state.daily, state.forecast] = await Promise.all([
      api.daily(state.selected.id, CHART_DAYS),
      api.forecast(state.selected.id),
    ]);
  } catch (failure) {
    showError(p, failure);
    return;
  }
  renderChart();
}

function renderChart() {
  if (!state.daily) return;
  renderForecast();
  drawBalance($('#balance-chart'), state.daily, state.forecast, {
    balance: t('chart.balance'),
    alert: t('chart.alert'),
    forecast: t('chart.forecast'),
  }, money);
  drawDaily($('#chart'), state.daily, {
    drawdowns: t('chart.drawdowns'),
    advances: t('chart.advances'),
    empty: t('chart.empty'),
  }, money);
}

/** The forecast's figures in words: the run-out date and the top-up that lasts to month end. */
function renderForecast() {
  const f = state.forecast;
  const box = $('#forecast');
  box.hidden = !f;
  if (!f) return;
  $('#forecast-balance').textContent = money(fen(f.balance));
  $('#forecast-rate').textContent = money(fen(f.dailyRate));
  const out = $('#forecast-runout');
  out.textContent = f.runOutDate || t('forecast.never');
  out.dataset.date = f.runOutDate || '';
  out.classList.toggle('warn', Boolean(f.runOutDate) && f.runOutDate <= f.periodEnd);
  $('#forecast-alert').textContent = f.alertDate || t('forecast.neverAlert');
  const need = $('#forecast-topup');
  need.textContent = money(fen(f.topUpNeeded));
  need.dataset.fen = String(fen(f.topUpNeeded));
  need.classList.toggle('warn', fen(f.topUpNeeded) > 0);
  $('#forecast-topup-label').textContent = t('forecast.topUp', { end: f.periodEnd });
  $('#forecast-rule').textContent = t('forecast.rule', {
    from: f.windowFrom, to: f.windowTo, demand: money(fen(f.demand)),
    days: f.daysLeft, needed: money(fen(f.neededToPeriodEnd)),
  });
}

async function loadOfficeChart() {
  try {
    state.office = await api.officeDrawdowns(CHART_DAYS);
  } catch (failure) {
    showError($('#accounts-error'), failure);
    return;
  }
  renderOfficeChart();
}

function renderOfficeChart() {
  if (!state.office) return;
  drawHospitals($('#office-chart'), state.office, { empty: t('chart.empty') }, money);
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
    cell(row, e.balanceAfter === undefined ? '' : money(fen(e.balanceAfter)), 'num after');
    cell(row, e.topUpRef || e.claimNo || '');
    const p = e.paid;
    cell(row, p ? p.personName || '' : '', 'person');
    // the clerk of the person's office is sent the full number (and the look is audited);
    // anyone else gets it masked, and the page masks again should a full one reach it otherwise
    const id = cell(row, p ? (p.fullIdNo ? p.personIdNo : maskIdNo(p.personIdNo)) : '', 'idno');
    if (p) id.dataset.full = String(Boolean(p.fullIdNo));
    cell(row, p ? p.hospitalName || p.hospitalCode : '');
    cell(row, p && p.dischargeDate ? p.dischargeDate : '');
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
    const print = document.createElement('button');
    print.type = 'button';
    print.className = 'link print';
    print.textContent = t('statements.print');
    print.addEventListener('click', () => openSheet(s));
    const actions = row.insertCell();
    actions.className = 'actions';
    actions.append(link, ' ', print);
  }
  $('#statements-none').hidden = state.statements.length > 0;
}

/** Shows the statement's A4 sheet to print and sign (statement.js lays it out). */
async function openSheet(s) {
  const p = $('#statements-error');
  p.hidden = true;
  try {
    const detail = await api.statement(s.accountId, s.period);
    printSheet(detail.statement, {
      office: $('#who-office').textContent,
      account: state.selected,
      manager: $('#who-name').textContent,
      items: detail.items.length,
    });
  } catch (failure) {
    showError(p, failure);
  }
}
