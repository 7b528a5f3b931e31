// What the pages of versioned documents share (catalogue.js; policies.js may use it too): the
// actor's name as shown, a version's facts, the list of a refused draft's problems, and the review
// of a draft (approve, reject, withdraw: never by its author, docs/policies.md).

import { ApiFailure } from './api.js';
import { t } from './i18n.js';
import { cell, clearMessages, showError, time } from './ui.js';

/** "manager:yb445200a" as the username; a seeded file as 配置文件 / config file. */
export function who(actor) {
  if (!actor) return '';
  if (actor.startsWith('config:')) return t('policy.seeded', { file: actor.slice(7) });
  if (actor === 'system:seed') return t('policy.system');
  return actor.replace(/^manager:/, '');
}

/** The facts every version has, after its own ({@code first}: [labelKey, text] pairs). */
export function renderFacts(dl, v, first) {
  dl.replaceChildren();
  const rows = [
    ['policy.state', t(`policy.state.${v.state}`)],
    ...first,
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
    dl.append(dt, dd);
  }
}

/**
 * Lists a refused draft's problems, each as where(e) and its message; null clears. {@code where}
 * names the place of one problem (its field, or its line and column).
 */
export function showProblems(list, failure, where = (e) => e.field) {
  list.replaceChildren();
  const errors = failure instanceof ApiFailure ? failure.errors : null;
  list.hidden = !errors;
  if (!errors) return;
  for (const e of errors) {
    const li = document.createElement('li');
    const place = document.createElement('code');
    place.textContent = where(e);
    li.append(place, ' ', e.message);
    list.append(li);
  }
}

/**
 * Shows the review buttons of version {@code v} for manager {@code me}: none once decided; the
 * author may only withdraw (the gateway refuses a self-approval anyway; the page says so first).
 * {@code ids}: the form and its buttons' element ids.
 */
export function showReview(v, me, ids) {
  const mine = me && v.author === `manager:${me.username}`;
  const draft = v.state === 'DRAFT';
  document.getElementById(ids.form).hidden = !draft;
  document.getElementById(ids.approve).disabled = mine;
  document.getElementById(ids.reject).disabled = mine;
  document.getElementById(ids.withdraw).hidden = !(draft && mine);
  document.getElementById(ids.self).hidden = !(draft && mine);
  clearMessages(document.getElementById(ids.form));
}

/**
 * Runs a review action on the selected version with the form's note; then {@code after(version)}.
 * A refusal lists its problems under the form.
 */
export async function review(form, list, id, action, after, where) {
  clearMessages(form);
  showProblems(list, null);
  const note = form.elements.note.value.trim();
  try {
    const v = await action(id, note);
    form.elements.note.value = '';
    await after(v);
  } catch (failure) {
    showProblems(list, failure, where);
    showError(form, failure);
  }
}

/**
 * The table of versions: one clickable row each (Enter too), the selected one marked; {@code
 * cells(v)} gives a row's texts as [text] or [text, className].
 */
export function renderRows(body, versions, selectedId, cells, onSelect) {
  body.replaceChildren();
  for (const v of versions) {
    const tr = document.createElement('tr');
    tr.className = 'clickable';
    tr.tabIndex = 0;
    tr.dataset.id = String(v.id);
    if (selectedId === v.id) tr.classList.add('selected');
    for (const [text, className] of cells(v)) cell(tr, text, className);
    tr.addEventListener('click', () => onSelect(v.id));
    tr.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') onSelect(v.id);
    });
    body.append(tr);
  }
}

/** Marks the row of version {@code id} selected. */
export function markSelected(body, id) {
  for (const tr of body.children) tr.classList.toggle('selected', tr.dataset.id === String(id));
}
