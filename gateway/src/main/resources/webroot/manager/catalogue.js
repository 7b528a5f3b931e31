// The 医保目录 tab (issue 19, docs/policies.md "The catalogue"), for insurance-agency staff: the
// catalogue's versions, an upload of a new one (the CSV file as it is, UTF-8 or GBK: the gateway
// decodes it), the difference of a version from the one in force (entries added, removed, changed)
// and the review of a colleague's draft. The gateway checks everything; the page lists every
// problem it answers, each with its line and column.

import { api } from './api.js';
import { t } from './i18n.js';
import { $, cell, handle, showError, showOk } from './ui.js';
import {
  markSelected,
  renderFacts,
  renderRows,
  review,
  showProblems,
  showReview,
  who,
} from './versions.js';

const state = { versions: [], selected: null, diff: null, me: null };

export async function loadCatalogues(me) {
  if (me) state.me = me;
  try {
    state.versions = (await api.catalogues()).versions;
    renderCatalogues();
    if (state.selected) await select(state.selected.id);
  } catch (failure) {
    showError($('#catalogues-error'), failure);
  }
}

export function renderCatalogues() {
  renderRows(
    $('#catalogues-table tbody'),
    state.versions,
    state.selected && state.selected.id,
    (v) => [
      [String(v.id)],
      [period(v)],
      [String(v.entryCount)],
      [t(`policy.state.${v.state}`), `state state-${v.state}`],
      [v.documentNo],
      [who(v.author)],
      [v.reviewer ? who(v.reviewer) : ''],
    ],
    select,
  );
  if (state.selected) renderDetail();
}

function period(v) {
  return `${v.validFrom} ~ ${v.validTo || t('catalogue.open')}`;
}

async function select(id) {
  if (!state.selected || state.selected.id !== id) $('#catalogue-status').hidden = true;
  try {
    const [v, diff] = await Promise.all([api.catalogue(id), api.catalogueDiff(id)]);
    state.selected = v;
    state.diff = diff;
    markSelected($('#catalogues-table tbody'), id);
    renderDetail();
    $('#catalogue-detail').hidden = false;
  } catch (failure) {
    showError($('#catalogues-error'), failure);
  }
}

function renderDetail() {
  const v = state.selected;
  $('#catalogue-detail-title').textContent = t('catalogue.detail.title', { id: v.id, scope: v.scope });
  renderFacts($('#catalogue-facts'), v, [
    ['catalogue.period', period(v)],
    ['catalogue.entries', String(v.entryCount)],
  ]);
  $('#catalogue-export').href = api.catalogueDocumentUrl(v.id);
  $('#catalogue-export-gbk').href = api.catalogueDocumentUrl(v.id, 'GBK');
  renderDiff(state.diff);
  showReview(v, state.me, {
    form: 'catalogue-review',
    approve: 'catalogue-approve',
    reject: 'catalogue-reject',
    withdraw: 'catalogue-withdraw',
    self: 'catalogue-self',
  });
}

/** One row an entry added or removed, or a code whose periods changed (before → after). */
function renderDiff(d) {
  const body = $('#catalogue-diff tbody');
  body.replaceChildren();
  $('#catalogue-diff-title').textContent =
    d && d.against !== null
      ? t('catalogue.diff.title', {
          against: d.against,
          added: d.addedCount,
          removed: d.removedCount,
          changed: d.changedCount,
        })
      : t('catalogue.diff.none');
  if (!d) return;
  const row = (kind, code, name, before, after) => {
    const tr = document.createElement('tr');
    cell(tr, t(`catalogue.change.${kind}`), `change change-${kind}`);
    cell(tr, code);
    cell(tr, name);
    cell(tr, before);
    cell(tr, after);
    body.append(tr);
  };
  for (const e of d.added) row('added', e.code, e.name, '', terms([e]));
  for (const e of d.removed) row('removed', e.code, e.name, terms([e]), '');
  for (const c of d.changed) {
    row('changed', c.code, c.after[0].name, terms(c.before), terms(c.after));
  }
}

/** "B 0.2 ≤120 2018-01-01~" for each period of a code. */
function terms(entries) {
  return entries
    .map(
      (e) =>
        `${e.category}${e.category === 'B' ? ` ${e.selfPayRatio}` : ''}` +
        `${e.priceCap ? ` ≤${e.priceCap}` : ''} ${e.validFrom}~${e.validTo || ''}`,
    )
    .join('; ');
}

/** Where a problem of a catalogue draft is: its line and column, or the draft's field. */
function where(e) {
  return e.line ? `${t('catalogue.line', { line: e.line })} ${e.field}` : e.field;
}

handle($('#catalogue-form'), async (data) => {
  const list = $('#catalogue-problems');
  showProblems(list, null);
  const params = { validFrom: data.get('validFrom') };
  if (data.get('validTo')) params.validTo = data.get('validTo');
  params.documentNo = data.get('documentNo').trim();
  params.reason = data.get('reason').trim();
  try {
    const saved = await api.draftCatalogue(data.get('file'), params);
    showOk($('#catalogue-form'), t('catalogue.drafted', { id: saved.id, entries: saved.entryCount }));
    state.selected = saved;
    await loadCatalogues();
  } catch (failure) {
    showProblems(list, failure, where);
    throw failure;
  }
});

function decide(action) {
  return review($('#catalogue-review'), $('#catalogue-review-problems'), state.selected.id, action,
    async (v) => {
      await loadCatalogues();
      const status = $('#catalogue-status');
      status.textContent = t(`catalogue.done.${v.state}`, { id: v.id });
      status.hidden = false;
    }, where);
}

$('#catalogue-approve').addEventListener('click', () => decide(api.approveCatalogue));
$('#catalogue-reject').addEventListener('click', () => decide(api.rejectCatalogue));
$('#catalogue-withdraw').addEventListener('click', () => decide((id) => api.withdrawCatalogue(id)));
$('#catalogues-refresh').addEventListener('click', () => loadCatalogues());
