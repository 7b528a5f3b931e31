// The 参保比对 tab (应保尽保 matching, issue 15): how the office's poor people in force stand
// against the insured register today, as four counts (a bar chart, and the same figures as a table
// that a screen reader reads), the people of one outcome a page at a time (the outreach list by
// default: the poor who are not enrolled), and the CSV of that outcome for Excel.
//
// The chart is Apache ECharts, vendored from its WebJar at build time (vendor/echarts.esm.min.js,
// see gateway/pom.xml) and loaded only when the tab is first drawn; should it fail to load, the
// table still carries every figure. A civil-affairs manager sees their office; the insurance
// agency its region: the gateway decides, and the page shows which.
//
// An office's matching is answered at once. A region's (a million poor people) takes longer than
// a request may last, so for the agency the page shows the region's latest matching run (stored
// by the gateway), starts one when there is none or when asked (重新比对), and polls its progress.

import { api } from './api.js';
import { t } from './i18n.js';
import { $, PAGE_SIZE, cell, maskIdNo, pager, renderPager, showError } from './ui.js';

/** How often a running matching is polled, milliseconds. */
const POLL_MILLIS = 1000;

export const OUTCOMES = ['SUBSIDISED', 'NOT_SUBSIDISED', 'ELSEWHERE', 'NOT_ENROLLED'];

/** Bar colours per outcome: the page's accent for the covered, amber and red for the gaps. */
const COLOURS = {
  SUBSIDISED: '#0b6e4f',
  NOT_SUBSIDISED: '#d97706',
  ELSEWHERE: '#2563eb',
  NOT_ENROLLED: '#b42318',
};

const state = { match: null, outcome: 'NOT_ENROLLED', page: 1, agency: false, run: null };

/** Whether the manager is the insurance agency's (their matching is a region's, run in the background). */
export function setCoverageAgency(agency) {
  state.agency = agency;
}

/** The ECharts module once loaded (null before; false when it could not be). */
let echarts = null;
let chart = null;

export function resetCoverage() {
  state.match = null;
  state.run = null;
  state.outcome = 'NOT_ENROLLED';
  state.page = 1;
  $('#coverage-run').hidden = true;
  $('#coverage-outcome').value = 'NOT_ENROLLED';
  $('#coverage-table tbody').replaceChildren();
  $('#coverage-counts tbody').replaceChildren();
  if (chart) {
    chart.dispose();
    chart = null;
  }
}

$('#coverage-outcome').addEventListener('change', () => {
  state.outcome = $('#coverage-outcome').value;
  state.page = 1;
  loadCoverage();
});

$('#coverage-refresh').addEventListener('click', () => loadCoverage(true));

pager($('#coverage-pager'), () => state.match, (page) => {
  state.page = page;
  return loadCoverage();
});

export async function loadCoverage(again = false) {
  const error = $('#coverage-error');
  try {
    if (state.agency) {
      await loadRun(again);
    } else {
      state.match = await api.coverage({ outcome: state.outcome, page: state.page, size: PAGE_SIZE });
    }
  } catch (failure) {
    showError(error, failure);
    return;
  }
  error.hidden = true;
  renderCoverage();
}

/** The agency's matching: the latest run (or a new one), followed until done, then its page. */
async function loadRun(again) {
  let run = again ? null : state.run;
  if (!run && !again) {
    try {
      run = await api.latestCoverageRun();
    } catch (failure) {
      if (failure.status !== 404) throw failure;
    }
  }
  if (!run || (again && !(state.run && state.run.state === 'RUNNING'))) {
    run = await api.startCoverageRun({});
  }
  state.run = run;
  renderRun();
  while (state.run === run && run.state === 'RUNNING') {
    await new Promise((done) => setTimeout(done, POLL_MILLIS));
    if (state.run !== run) return;
    run = await api.coverageRun(run.id, {});
    state.run = run;
    renderRun();
  }
  if (run.state === 'DONE') {
    state.match = await api.coverageRun(run.id, {
      outcome: state.outcome,
      page: state.page,
      size: PAGE_SIZE,
    });
  }
}

function renderRun() {
  const r = state.run;
  const box = $('#coverage-run');
  box.hidden = !r;
  if (!r) return;
  box.dataset.state = r.state;
  const total = r.progress.identitiesTotal;
  const percent = r.state === 'DONE' ? 100 : total ? Math.floor((100 * r.progress.identitiesDone) / total) : 0;
  $('#coverage-progress').value = percent;
  $('#coverage-run-text').textContent = t(`coverage.run.${r.state}`, {
    percent,
    done: r.progress.identitiesDone,
    total,
    finished: r.finishedAt ? r.finishedAt.slice(0, 19).replace('T', ' ') : '',
  });
}

export function renderCoverage() {
  const m = state.match;
  $('#coverage-export').href =
    state.agency && state.run
      ? api.coverageRunExportUrl(state.run.id, { outcome: state.outcome })
      : api.coverageExportUrl({ outcome: state.outcome });
  renderRun();
  if (!m) return;
  $('#coverage-scope').textContent = t(`coverage.scope.${m.scope.kind}`, {
    code: m.scope.code,
    date: m.date,
  });
  renderCounts(m);
  drawChart(m);
  renderList(m);
}

function renderCounts(m) {
  const body = $('#coverage-counts tbody');
  body.replaceChildren();
  for (const o of OUTCOMES) {
    const row = body.insertRow();
    row.dataset.outcome = o;
    cell(row, t(`outcome.${o}`));
    cell(row, String(m.counts[o]), 'num');
  }
}

async function drawChart(m) {
  const box = $('#coverage-chart');
  if (echarts === null) {
    try {
      echarts = await import('./vendor/echarts.esm.min.js');
    } catch (e) {
      echarts = false;
      console.warn('ECharts did not load; the table shows the counts', e);
    }
  }
  if (!echarts || state.match !== m) return;
  if (!chart) {
    chart = echarts.init(box, null, { renderer: 'svg' });
    chart.on('click', (p) => {
      const o = OUTCOMES[p.dataIndex];
      if (!o) return;
      $('#coverage-outcome').value = o;
      state.outcome = o;
      state.page = 1;
      loadCoverage();
    });
  }
  chart.setOption(
    {
      animation: false,
      aria: { enabled: true },
      title: { text: t('coverage.chart.title'), left: 0, textStyle: { fontSize: 14 } },
      grid: { left: 48, right: 16, top: 40, bottom: 32 },
      tooltip: { trigger: 'item' },
      xAxis: { type: 'category', data: OUTCOMES.map((o) => t(`outcome.${o}`)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          type: 'bar',
          name: t('coverage.chart.persons'),
          barMaxWidth: 64,
          label: { show: true, position: 'top' },
          data: OUTCOMES.map((o) => ({ value: m.counts[o], itemStyle: { color: COLOURS[o] } })),
        },
      ],
    },
    true,
  );
  box.dataset.drawn = OUTCOMES.map((o) => m.counts[o]).join(',');
}

function renderList(m) {
  const body = $('#coverage-table tbody');
  body.replaceChildren();
  for (const r of m.items) {
    const row = body.insertRow();
    row.dataset.outcome = r.outcome;
    cell(row, maskIdNo(r.personIdNo), 'idno');
    cell(row, r.personName);
    cell(row, r.categories.map((c) => t(`category.${c}`)).join('、'));
    cell(row, t(`outcome.${r.outcome}`));
    cell(row, r.regions.join('、'));
  }
  $('#coverage-none').hidden = m.items.length > 0;
  renderPager($('#coverage-pager'), m, 'coverage.page');
}
