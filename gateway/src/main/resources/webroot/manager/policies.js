// The 政策版本 tab (issue 19, docs/policies.md), for insurance-agency staff: the policy versions of
// the agency's regions, a draft (a YAML file uploaded into the editor, or edited there), and the
// review of a colleague's draft: approve, or reject with a note. The gateway checks everything
// (every field of the document, the line's dates, who may approve); the page lists every problem
// it answers, each with its field, next to the form that caused it. A draft is simulated before
// anyone approves it: its document goes to the impact simulation's form (simulation.js, on the
// 扶贫成效与政策测算 tab), which replays a period's settlements under it beside the version in force.

import { api, ApiFailure } from './api.js';
import { t } from './i18n.js';
import { $, cell, clearMessages, handle, showError, showOk, time } from './ui.js';

/** The largest document the page reads from a file, in bytes (the gateway's own limit). */
const DOCUMENT_BYTES_MAX = 256 * 1024;

const state = { versions: [], selected: null, me: null };

export function resetPolicies() {
  state.versions = [];
  state.selected = null;
  $('#policies-table tbody').replaceChildren();
  $('#policy-detail').hidden = true;
  $('#policy-form').reset();
  showProblems($('#policy-problems'), null);
}

export async function loadPolicies(me) {
  if (me) state.me = me;
  try {
    state.versions = (await api.policies()).versions;
    renderPolicies();
    if (state.selected) await select(state.selected.id);
  } catch (failure) {
    showError($('#policies-error'), failure);
  }
}

export function renderPolicies() {
  const body = $('#policies-table tbody');
  body.replaceChildren();
  for (const v of state.versions) {
    const tr = document.createElement('tr');
    tr.className = 'clickable';
    tr.tabIndex = 0;
    tr.dataset.id = String(v.id);
    if (state.selected && state.selected.id === v.id) tr.classList.add('selected');
    cell(tr, String(v.id));
    cell(tr, `${v.region} · ${v.scheme} · ${v.year}`);
    cell(tr, `${v.validFrom} ~ ${v.validTo}`);
    cell(tr, t(`policy.state.${v.state}`), `state state-${v.state}`);
    cell(tr, v.documentNo);
    cell(tr, who(v.author));
    cell(tr, v.reviewer ? who(v.reviewer) : '');
    tr.addEventListener('click', () => select(v.id));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') select(v.id);
    });
    body.append(tr);
  }
  $('#policies-none').hidden = state.versions.length > 0;
  if (state.selected) renderDetail();
}

/** "manager:yb445200a" as the username; a seeded file as 配置文件 / config file. */
function who(actor) {
  if (!actor) return '';
  if (actor.startsWith('config:')) return t('policy.seeded', { file: actor.slice(7) });
  if (actor === 'system:seed') return t('policy.system');
  return actor.replace(/^manager:/, '');
}

async function select(id) {
  const box = $('#policy-detail');
  if (!state.selected || state.selected.id !== id) $('#policy-status').hidden = true;
  try {
    state.selected = await api.policy(id);
    for (const tr of $('#policies-table tbody').children) {
      tr.classList.toggle('selected', tr.dataset.id === String(id));
    }
    renderDetail();
    box.hidden = false;
  } catch (failure) {
    showError($('#policies-error'), failure);
  }
}

function renderDetail() {
  const v = state.selected;
  $('#policy-detail-title').textContent = t('policy.detail.title', {
    id: v.id,
    line: `${v.region} · ${v.scheme} · ${v.year}`,
  });
  const facts = $('#policy-facts');
  facts.replaceChildren();
  const rows = [
    ['policy.state', t(`policy.state.${v.state}`)],
    ['policy.period', `${v.validFrom} ~ ${v.validTo}`],
    ['policy.documentNo', v.documentNo],
    ['policy.reason', v.reason],
    ['policy.author', `${who(v.author)} · ${time(v.draftedAt)}`],
    ['policy.reviewer', v.reviewer ? `${who(v.reviewer)} · ${time(v.reviewedAt)}` : '—'],
    ['policy.reviewNote', v.reviewNote || '—'],
  ];
  for (const [key, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = t(key);
    const dd = document.createElement('dd');
    dd.textContent = value;
    facts.append(dt, dd);
  }
  $('#policy-document').textContent = v.document;
  $('#policy-export').href = api.policyDocumentUrl(v.id);
  const mine = state.me && v.author === `manager:${state.me.username}`;
  const draft = v.state === 'DRAFT';
  // the gateway refuses a self-approval anyway; the page says so before the click
  $('#policy-review').hidden = !draft;
  $('#policy-approve').disabled = mine;
  $('#policy-reject').disabled = mine;
  $('#policy-withdraw').hidden = !(draft && mine);
  $('#policy-self').hidden = !(draft && mine);
  $('#policy-simulate').hidden = !draft;
  clearMessages($('#policy-review'));
}

/** Lists a draft's problems (POLICY_INVALID), one per line with its field; null clears. */
function showProblems(list, failure) {
  list.replaceChildren();
  const errors = failure instanceof ApiFailure ? failure.errors : null;
  list.hidden = !errors;
  if (!errors) return;
  for (const e of errors) {
    const li = document.createElement('li');
    const field = document.createElement('code');
    field.textContent = e.field;
    li.append(field, ' ', e.message);
    list.append(li);
  }
}

// ---- drafting

$('#policy-file').addEventListener('change', async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const form = $('#policy-form');
  clearMessages(form);
  if (file.size > DOCUMENT_BYTES_MAX) {
    showError(form, new ApiFailure(413, { message: t('policy.file.tooLarge') }));
    return;
  }
  $('#policy-text').value = await file.text();
});

handle($('#policy-form'), async (data) => {
  const list = $('#policy-problems');
  showProblems(list, null);
  const draft = {
    document: data.get('document'),
    documentNo: data.get('documentNo').trim(),
    reason: data.get('reason').trim(),
  };
  const revising = $('#policy-form').dataset.revising;
  try {
    const saved = revising
      ? await api.revisePolicy(revising, draft)
      : await api.draftPolicy(draft);
    delete $('#policy-form').dataset.revising;
    $('#policy-form-mode').textContent = '';
    showOk($('#policy-form'), t('policy.drafted', { id: saved.id }));
    state.selected = saved;
    await loadPolicies();
  } catch (failure) {
    showProblems(list, failure);
    throw failure;
  }
});

/** Copies the selected version into the editor: a successor of it, or (a draft of mine) a revision. */
$('#policy-copy').addEventListener('click', () => {
  const v = state.selected;
  if (!v) return;
  const form = $('#policy-form');
  $('#policy-text').value = v.document;
  const mine = state.me && v.author === `manager:${state.me.username}`;
  if (v.state === 'DRAFT' && mine) {
    form.dataset.revising = String(v.id);
    form.elements.documentNo.value = v.documentNo;
    form.elements.reason.value = v.reason;
    $('#policy-form-mode').textContent = t('policy.revising', { id: v.id });
  } else {
    delete form.dataset.revising;
    $('#policy-form-mode').textContent = '';
  }
  $('#policy-text').focus();
});

// ---- simulating a draft

/**
 * Hands the selected draft to the simulation form: its document, and the year before its own as the
 * period (both can be changed there before the simulation starts).
 */
$('#policy-simulate').addEventListener('click', () => {
  const v = state.selected;
  if (!v) return;
  const form = $('#simulation-form');
  form.elements.policy.value = v.document;
  form.elements.from.value = `${v.year - 1}-01-01`;
  form.elements.to.value = `${v.year - 1}-12-31`;
  $('#tab-oversight').click();
  form.elements.policy.focus();
});

// ---- review

async function review(action) {
  const form = $('#policy-review');
  clearMessages(form);
  const list = $('#policy-review-problems');
  showProblems(list, null);
  const note = form.elements.note.value.trim();
  try {
    const v = await action(state.selected.id, note);
    form.elements.note.value = '';
    await loadPolicies();
    // the review form hides once the version is decided: the outcome shows above it
    const status = $('#policy-status');
    status.textContent = t(`policy.done.${v.state}`, { id: v.id });
    status.hidden = false;
  } catch (failure) {
    showProblems(list, failure);
    showError(form, failure);
  }
}

$('#policy-approve').addEventListener('click', () => review(api.approvePolicy));
$('#policy-reject').addEventListener('click', () => review(api.rejectPolicy));
$('#policy-withdraw').addEventListener('click', () => review((id) => api.withdrawPolicy(id)));
$('#policies-refresh').addEventListener('click', () => loadPolicies());

