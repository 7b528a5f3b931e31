// The 扶贫成效与政策测算 tab (issue 19, items 4 and 5).
//
// Oversight (扶贫成效): per year, office and identity category, the in-scope reimbursement ratio
// (政策范围内报销比例), the overall ratio and out-of-pocket per person from the stored settlements, with
// the persons whose year's out-of-pocket passed the policy's line (因病致贫 candidates). A
// civil-affairs manager sees their office, the insurance agency its region: the gateway decides.
//
// Impact simulation (政策测算, agency staff only): a candidate policy's YAML (typed, pasted or
// read from a file) replayed over a period's settlements beside the version in force; the page
// starts it, polls its progress (a progress bar) and draws the figures: per fund, per identity
// category, the largest changes and the prepayment accounts (each played against its balance,
// with the claims refused for want of it), with the CSV for Excel. A simulation is stored: its id
// can be polled on any instance of the gateway.
//
// Charts are Apache ECharts, vendored at build time and loaded on first use (as coverage.js does);
// should it not load, the tables still carry every figure.

import { api } from './api.js';
import { t } from './i18n.js';
import { $, cell, fen, handle, localFailure, maskIdNo, money, showError } from './ui.js';

/** How often the page asks how a simulation stands, milliseconds. */
const POLL_MILLIS = 500;

/** The longest the page polls one simulation, milliseconds (the gateway stops it at 600 s). */
const POLL_MAX_MILLIS = 660000;

/** The largest policy file the page reads, bytes (the gateway takes 64 KiB). */
const POLICY_MAX_BYTES = 65536;

const CATEGORIES = ['DESTITUTE', 'SUBSISTENCE', 'REGISTERED_POOR', 'ILLNESS_POOR', 'NONE'];

const state = { oversight: null, simulation: null, agency: false, polling: 0 };

let echarts = null;
const charts = {};

async function chartIn(id) {
  if (echarts === null) {
    try {
      echarts = await import('./vendor/echarts.esm.min.js');
    } catch (e) {
      echarts = false;
      console.warn('ECharts did not load; the tables show the figures', e);
    }
  }
  if (!echarts) return null;
  if (!charts[id]) charts[id] = echarts.init($(`#${id}`), null, { renderer: 'svg' });
  return charts[id];
}

export function resetSimulation() {
  state.oversight = null;
  state.simulation = null;
  state.polling += 1;
  for (const id of Object.keys(charts)) {
    charts[id].dispose();
    delete charts[id];
  }
  for (const id of ['oversight-table', 'oversight-persons', 'simulation-funds',
    'simulation-categories', 'simulation-largest', 'simulation-accounts']) {
    $(`#${id} tbody`).replaceChildren();
  }
  $('#simulation-result').hidden = true;
  $('#simulation-progress').hidden = true;
  $('#simulation-status').textContent = '';
}

/** Whether the simulation form is offered: agency staff only (the gateway checks it too). */
export function setAgency(agency) {
  state.agency = agency;
  $('#simulation-card').hidden = !agency;
}

// ---- oversight

handle($('#oversight-form'), () => loadOversight());

export async function loadOversight() {
  const error = $('#oversight-error');
  const from = $('#oversight-from').value;
  const to = $('#oversight-to').value || from;
  try {
    state.oversight = await api.oversight({ from, to });
  } catch (failure) {
    showError(error, failure);
    return;
  }
  error.hidden = true;
  renderOversight();
}

function renderOversight() {
  const o = state.oversight;
  if (!o) return;
  $('#oversight-scope').textContent = t(`oversight.scope.${o.scope.kind}`, {
    code: o.scope.code,
    from: o.from,
    to: o.to,
  });
  const body = $('#oversight-table tbody');
  body.replaceChildren();
  for (const f of o.figures) {
    const row = body.insertRow();
    row.dataset.office = f.officeCode ?? 'ALL';
    row.dataset.category = f.category;
    cell(row, String(f.year));
    cell(row, f.officeCode ?? t('oversight.whole'));
    cell(row, t(`category.${f.category}`));
    cell(row, String(f.persons), 'num');
    cell(row, percent(f.inScopeRatio), 'num');
    cell(row, percent(f.overallRatio), 'num');
    cell(row, money(fen(f.personalPerPerson)), 'num');
    cell(row, String(f.overLine), 'num');
  }
  const persons = $('#oversight-persons tbody');
  persons.replaceChildren();
  for (const p of o.persons) {
    const row = persons.insertRow();
    cell(row, maskIdNo(p.personIdNo), 'idno');
    cell(row, p.personName);
    cell(row, p.officeCode);
    cell(row, String(p.year));
    cell(row, t(`category.${p.category}`));
    cell(row, money(fen(p.personal)), 'num');
    cell(row, money(fen(p.line)), 'num');
  }
  $('#oversight-none').hidden = o.persons.length > 0;
  drawOversight(o);
}

/** A ratio of 4 decimals (0.9313) as a percentage (93.13%). */
function percent(ratio) {
  return `${(Number(ratio) * 100).toFixed(2)}%`;
}

async function drawOversight(o) {
  const chart = await chartIn('oversight-chart');
  if (!chart || state.oversight !== o) return;
  const whole = o.figures.filter((f) => f.officeCode === null);
  const years = [...new Set(whole.map((f) => f.year))].sort();
  const present = CATEGORIES.filter((c) => whole.some((f) => f.category === c));
  chart.setOption(
    {
      animation: false,
      aria: { enabled: true },
      title: { text: t('oversight.chart.title'), left: 0, textStyle: { fontSize: 14 } },
      legend: { top: 22, type: 'scroll' },
      grid: { left: 56, right: 56, top: 64, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: years.map(String) },
      yAxis: [
        { type: 'value', name: t('oversight.ratio'), max: 100, axisLabel: { formatter: '{value}%' } },
        { type: 'value', name: t('oversight.perPerson') },
      ],
      series: present.flatMap((c) => {
        const of = (y) => whole.find((f) => f.year === y && f.category === c);
        return [
          {
            type: 'bar',
            name: `${t(`category.${c}`)} ${t('oversight.ratio')}`,
            data: years.map((y) => (of(y) ? Number(of(y).inScopeRatio) * 100 : null)),
          },
          {
            type: 'line',
            yAxisIndex: 1,
            name: `${t(`category.${c}`)} ${t('oversight.perPerson')}`,
            data: years.map((y) => (of(y) ? fen(of(y).personalPerPerson) / 100 : null)),
          },
        ];
      }),
    },
    true,
  );
  $('#oversight-chart').dataset.drawn = whole
    .map((f) => `${f.year}:${f.category}:${f.inScopeRatio}`)
    .join(',');
}

// ---- simulation

$('#simulation-file').addEventListener('change', async () => {
  const file = $('#simulation-file').files[0];
  if (!file) return;
  if (file.size > POLICY_MAX_BYTES) {
    showError($('#simulation-form'), localFailure('policy', t('simulation.fileTooLarge')));
    return;
  }
  $('#simulation-policy').value = await file.text();
});

handle($('#simulation-form'), async (data) => {
  const policy = data.get('policy');
  if (!policy || !policy.trim()) throw localFailure('policy', t('simulation.policyMissing'));
  const started = await api.startSimulation({ policy, from: data.get('from'), to: data.get('to') });
  follow(started);
});

async function follow(first) {
  const ticket = ++state.polling;
  let p = first;
  const deadline = Date.now() + POLL_MAX_MILLIS;
  $('#simulation-result').hidden = true;
  for (;;) {
    showProgress(p);
    if (p.state !== 'RUNNING' || ticket !== state.polling || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MILLIS));
    try {
      p = await api.simulation(p.id);
    } catch (failure) {
      showError($('#simulation-form'), failure);
      return;
    }
  }
  if (ticket !== state.polling) return;
  if (p.state === 'DONE') {
    state.simulation = p;
    renderSimulation();
  } else if (p.refusal) {
    showError($('#simulation-form'), { code: p.refusal.code, field: p.refusal.field, message: p.refusal.message });
  }
}

function showProgress(p) {
  const bar = $('#simulation-progress');
  bar.hidden = false;
  bar.max = Math.max(p.total, 1);
  bar.value = p.state === 'DONE' ? bar.max : Math.max(p.done, 0);
  $('#simulation-status').textContent = t(`simulation.state.${p.state}`, {
    done: p.done,
    total: p.total < 0 ? '…' : p.total,
  });
}

export function renderSimulation() {
  renderOversight();
  const p = state.simulation;
  if (!p) return;
  const i = p.impact;
  $('#simulation-result').hidden = false;
  $('#simulation-export').href = api.simulationExportUrl(p.id);
  $('#simulation-persons').textContent = t('simulation.persons', {
    claims: i.claims,
    persons: i.persons,
    better: i.better,
    worse: i.worse,
    unchanged: i.unchanged,
  });
  const funds = $('#simulation-funds tbody');
  funds.replaceChildren();
  for (const k of ['basic', 'criticalIllness', 'assistance', 'fund', 'personal']) {
    const row = funds.insertRow();
    row.dataset.fund = k;
    const was = fen(i.inForce[k]);
    const would = fen(i.candidate[k]);
    cell(row, t(`simulation.fund.${k}`));
    cell(row, money(was), 'num');
    cell(row, money(would), 'num');
    cell(row, money(would - was), 'num');
  }
  const categories = $('#simulation-categories tbody');
  categories.replaceChildren();
  for (const c of i.categories) {
    const row = categories.insertRow();
    row.dataset.category = c.category;
    cell(row, t(`category.${c.category}`));
    cell(row, String(c.persons), 'num');
    cell(row, percent(c.inForce.inScopeRatio), 'num');
    cell(row, percent(c.candidate.inScopeRatio), 'num');
    cell(row, money(fen(c.inForce.personalPerPerson)), 'num');
    cell(row, money(fen(c.candidate.personalPerPerson)), 'num');
  }
  const largest = $('#simulation-largest tbody');
  largest.replaceChildren();
  for (const c of i.largest) {
    const row = largest.insertRow();
    cell(row, c.hospitalCode);
    cell(row, c.claimNo);
    cell(row, c.personIdNo, 'idno');
    cell(row, c.dischargeDate);
    cell(row, t(`category.${c.category}`));
    cell(row, money(fen(c.inForcePersonal)), 'num');
    cell(row, money(fen(c.candidatePersonal)), 'num');
    cell(row, money(fen(c.personalChange)), 'num');
  }
  const accounts = $('#simulation-accounts tbody');
  accounts.replaceChildren();
  for (const a of i.accounts) {
    const row = accounts.insertRow();
    row.dataset.mode = a.mode;
    cell(row, a.officeCode);
    cell(row, a.hospitalCode);
    cell(row, t(`simulation.mode.${a.mode}`));
    cell(row, money(fen(a.opening)), 'num');
    cell(row, money(fen(a.inForce)), 'num');
    cell(row, money(fen(a.candidate)), 'num');
    cell(row, money(fen(a.change)), 'num');
    cell(row, String(a.inForceSide.refusedClaims), 'num');
    cell(row, String(a.candidateSide.refusedClaims), 'num');
  }
  drawSimulation(p);
}

async function drawSimulation(p) {
  const i = p.impact;
  const funds = await chartIn('simulation-chart-funds');
  if (!funds || state.simulation !== p) return;
  const keys = ['basic', 'criticalIllness', 'assistance', 'personal'];
  const sides = [
    ['inForce', t('simulation.inForce'), '#64748b'],
    ['candidate', t('simulation.candidate'), '#0b6e4f'],
  ];
  funds.setOption(
    {
      animation: false,
      aria: { enabled: true },
      title: { text: t('simulation.chart.funds'), left: 0, textStyle: { fontSize: 14 } },
      legend: { top: 22 },
      grid: { left: 80, right: 16, top: 64, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: keys.map((k) => t(`simulation.fund.${k}`)) },
      yAxis: { type: 'value' },
      series: sides.map(([side, name, color]) => ({
        type: 'bar',
        name,
        itemStyle: { color },
        data: keys.map((k) => fen(i[side][k]) / 100),
      })),
    },
    true,
  );
  const byCategory = await chartIn('simulation-chart-categories');
  if (!byCategory || state.simulation !== p) return;
  byCategory.setOption(
    {
      animation: false,
      aria: { enabled: true },
      title: { text: t('simulation.chart.categories'), left: 0, textStyle: { fontSize: 14 } },
      legend: { top: 22 },
      grid: { left: 56, right: 16, top: 64, bottom: 32 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: i.categories.map((c) => t(`category.${c.category}`)) },
      yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
      series: sides.map(([side, name, color]) => ({
        type: 'bar',
        name,
        itemStyle: { color },
        data: i.categories.map((c) => Number(c[side].inScopeRatio) * 100),
      })),
    },
    true,
  );
  $('#simulation-chart-funds').dataset.drawn = keys
    .map((k) => `${k}:${i.inForce[k]}:${i.candidate[k]}`)
    .join(',');
}
