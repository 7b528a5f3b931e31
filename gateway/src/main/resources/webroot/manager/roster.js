// The identity roster tab: search, register, edit, end and confirm identities, and import or
// export the office's roster as CSV. ID numbers are shown masked; a refused import shows the
// gateway's message naming the first bad line.

import { api } from './api.js';
import { t } from './i18n.js';
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

handle($('#import-form'), async () => {
  const file = $('#import-file').files[0];
  if (!file) throw localFailure('file', t('import.noFile'));
  const r = await api.importRoster(file);
  showOk($('#import-form'), t('import.done', r));
  $('#import-file').value = '';
  await loadRoster();
});
