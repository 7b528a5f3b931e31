// The civil-affairs prepayment managers' page: a thin client of /manager/api (see ManagerApi.java).
// This module holds the session (login, logout, who is logged in), the tabs and the language
// switch; accounts.js, roster.js, coverage.js, agency.js, policies.js and simulation.js hold the
// tabs, ui.js what they share.
//
// The page keeps what it last fetched and renders from it, so switching the language redraws
// without asking the gateway again. Each form shows its own outcome right under it.

import { api, ApiFailure, whenUnauthenticated } from './api.js';
import { applyLabels, currentLang, setLang, t } from './i18n.js';
import { loadAccounts, loadHospitals, renderAccountsTab, resetAccounts } from './accounts.js';
import { loadRoster, renderRoster, resetRoster } from './roster.js';
import { loadCoverage, renderCoverage, resetCoverage, setCoverageAgency } from './coverage.js';
import { loadOversight, renderSimulation, resetSimulation, setAgency } from './simulation.js';
import { loadCatalogues, renderCatalogues } from './catalogue.js';
import { loadPolicies, renderPolicies, resetPolicies } from './policies.js';
import { loadSubsidies, renderSubsidies, resetAgency } from './agency.js';
import { $, handle, showError } from './ui.js';

const state = { me: null };

// ---- session

function showLogin() {
  state.me = null;
  resetAccounts();
  resetRoster();
  resetCoverage();
  resetSimulation();
  resetPolicies();
  resetAgency();
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
  setAgency(me.role === 'AGENCY');
  // tabs by role: the agency has no prepayment accounts or roster, civil affairs no register
  const agency = me.role === 'AGENCY';
  setCoverageAgency(agency);
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const tab of tabs) tab.hidden = Boolean(tab.dataset.role) && tab.dataset.role !== me.role;
  selectTab(tabs.find((tab) => !tab.hidden));
  if (agency) {
    await Promise.all([loadCoverage(), loadPolicies(me)]);
  } else {
    await Promise.all([loadHospitals(), loadAccounts(), loadRoster()]);
  }
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

function selectTab(tab) {
  for (const other of document.querySelectorAll('[role=tab]')) {
    const on = other === tab;
    other.setAttribute('aria-selected', String(on));
    $(`#${other.dataset.tab}-view`).hidden = !on;
  }
}

for (const tab of document.querySelectorAll('[role=tab]')) {
  tab.addEventListener('click', () => {
    selectTab(tab);
    // the matching runs when its tab is opened (a region's may take seconds), not at login
    if (tab.dataset.tab === 'coverage') loadCoverage();
    if (tab.dataset.tab === 'subsidies') loadSubsidies();
    if (tab.dataset.tab === 'oversight') loadOversight();
    if (tab.dataset.tab === 'policies') loadPolicies();
    if (tab.dataset.tab === 'catalogues') loadCatalogues(state.me);
  });
}

$('#lang').addEventListener('click', () => {
  setLang(currentLang() === 'zh' ? 'en' : 'zh');
  renderAll();
});

function renderAll() {
  renderAccountsTab();
  renderRoster();
  renderCoverage();
  renderSimulation();
  renderPolicies();
  renderCatalogues();
  renderSubsidies();
}

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
