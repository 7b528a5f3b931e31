// The prepayment accounts tab: the office's accounts with balances and alerts, and the chosen
// account's settings, top-ups, period close, drawdowns per day, entries and statements. Amounts
// go back to the gateway as the decimal text the manager typed, never through a binary float.

import { api } from './api.js';
import { t } from './i18n.js';
import { drawDaily } from './chart.js';
import {
  $, PAGE_SIZE, cell, clearMessages, fen, handle, localFailure, money, pager, renderPager,
  showError, showOk, time,
} from './ui.js';

/** Days the drawdown chart covers. */
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
  statements: [],
};

/** Redraws what was last fetched (after a language switch). */
export function renderAccountsTab() {
  renderAccounts();
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
  await Promise.all([loadChart(), loadEntries()]);
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
