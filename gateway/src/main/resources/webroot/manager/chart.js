// The accounts tab's charts, drawn with Apache ECharts (vendored from its WebJar at build time as
// vendor/echarts.esm.min.js, as coverage.js loads it; no CDN): an account's balance per day against
// its alert line, with the forecast's path to the day it runs out; its drawdowns per day (the
// assistance paid from the balance, the hospital's advances stacked above); and the office's
// drawdowns per day and hospital. Money comes in as the API's yuan, is turned into fen at once and
// labelled with the page's money(); ECharts only places the marks. Each chart leaves the figures it
// drew on its element (data-drawn), so a test can read what a person sees. Should the library fail
// to load, the entries and the forecast's figures still carry every number.

import { fen } from './ui.js';

/** The ECharts module once loaded (null before; false when it could not be). */
let echarts = null;

/** The chart instance of each container, reused across redraws. */
const charts = new Map();

const COLOURS = {
  balance: '#0b6e4f',
  alert: '#b42318',
  forecast: '#2563eb',
  drawn: '#0b6e4f',
  advanced: '#d97706',
};

/** Hospitals' colours in the office chart, in the order the hospitals first appear. */
const PALETTE = ['#0b6e4f', '#2563eb', '#d97706', '#7c3aed', '#b42318', '#0891b2', '#65a30d'];

async function library() {
  if (echarts === null) {
    try {
      echarts = await import('./vendor/echarts.esm.min.js');
    } catch (e) {
      echarts = false;
      console.warn('ECharts did not load; the figures are in the tables', e);
    }
  }
  return echarts;
}

/**
 * The options every chart shares: the page's own font (so that ECharts measures its labels in the
 * font they are drawn in, and none is clipped) and room on the left for the largest amount.
 */
function common() {
  return {
    animation: false,
    aria: { enabled: true },
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    grid: { left: 16, right: 16, top: 36, bottom: 24, containLabel: true },
  };
}

async function chartIn(box) {
  const lib = await library();
  if (!lib) return null;
  let chart = charts.get(box);
  if (!chart || chart.isDisposed()) {
    chart = lib.init(box, null, { renderer: 'svg' });
    charts.set(box, chart);
    new ResizeObserver(() => chart.resize()).observe(box);
  }
  return chart;
}

/** Forgets every chart (at logout). */
export function disposeCharts() {
  for (const c of charts.values()) c.dispose();
  charts.clear();
}

/** Every day from `from` to `to` (YYYY-MM-DD, both included). */
export function dayRange(from, to) {
  const out = [];
  const d = new Date(from + 'T00:00:00Z');
  const end = new Date(to + 'T00:00:00Z');
  while (d <= end) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

const yuanAxis = (money) => ({
  type: 'value',
  axisLabel: { formatter: (v) => money(Math.round(v * 100)).replace(/\.00$/, '') },
});

function tooltip(money) {
  return {
    trigger: 'axis',
    valueFormatter: (v) => (v === null || v === undefined ? '' : money(Math.round(v * 100))),
  };
}

/**
 * The balance at each day's close from daily ({from, to, openingBalance, lowBalanceThreshold,
 * days: [{day, closingBalance}]}), the alert line, and the forecast's path from today's balance
 * to its run-out date (when that is within `aheadDays`). labels: {balance, alert, forecast}.
 */
export async function drawBalance(box, daily, forecast, labels, money) {
  const days = dayRange(daily.from, daily.to);
  const closes = new Map(daily.days.map((d) => [d.day, fen(d.closingBalance)]));
  let balance = fen(daily.openingBalance);
  const points = days.map((day) => {
    if (closes.has(day)) balance = closes.get(day);
    return balance;
  });
  const line = fen(daily.lowBalanceThreshold);
  const path = forecastPath(forecast, days[days.length - 1]);
  const axis = days.concat(path.map((p) => p[0]).filter((d) => d > days[days.length - 1]));
  box.dataset.drawn = days.map((d, i) => `${d}=${points[i]}`).join(',');
  box.dataset.alert = String(line);
  box.dataset.runOut = forecast && forecast.runOutDate ? forecast.runOutDate : '';
  const chart = await chartIn(box);
  if (!chart) return;
  const series = [
    {
      name: labels.balance,
      type: 'line',
      step: 'end',
      symbol: 'none',
      areaStyle: { opacity: 0.08 },
      lineStyle: { width: 2 },
      color: COLOURS.balance,
      data: points.map((f, i) => [days[i], f / 100]),
      markLine: {
        symbol: 'none',
        silent: true,
        lineStyle: { color: COLOURS.alert, type: 'dashed', width: 1.5 },
        label: { formatter: `${labels.alert} ${money(line)}`, position: 'insideEndTop' },
        data: [{ yAxis: line / 100 }],
      },
    },
  ];
  if (path.length) {
    series.push({
      name: labels.forecast,
      type: 'line',
      symbol: 'circle',
      symbolSize: 5,
      lineStyle: { type: 'dotted', width: 2 },
      color: COLOURS.forecast,
      data: path.map(([d, f]) => [d, f / 100]),
    });
  }
  chart.setOption(
    {
      ...common(),
      legend: { top: 0, left: 0, itemGap: 16 },
      tooltip: tooltip(money),
      xAxis: { type: 'category', data: axis, axisLabel: { formatter: (d) => d.slice(5) } },
      yAxis: yuanAxis(money),
      series,
    },
    true,
  );
}

/**
 * The forecast's straight path: today's balance down to 0 on the run-out date, when it runs out
 * within 62 days (further is no picture at a glance). [[day, fen]...], empty when none.
 */
function forecastPath(forecast, today) {
  if (!forecast || !forecast.runOutDate) return [];
  const out = dayRange(today, forecast.runOutDate);
  if (out.length > 62) return [];
  const start = fen(forecast.balance);
  const n = out.length - 1;
  return out.map((d, i) => [d, n === 0 ? Math.min(start, 0) : Math.round(start - (start * i) / n)]);
}

/**
 * Drawdowns per day from daily ({from, to, days: [{day, drawdowns, advances}]}), every day of
 * the window a slot. labels: {drawdowns, advances, empty}.
 */
export async function drawDaily(box, daily, labels, money) {
  const days = dayRange(daily.from, daily.to);
  const byDay = new Map(daily.days.map((d) => [d.day, d]));
  const drawn = days.map((d) => (byDay.has(d) ? fen(byDay.get(d).drawdowns) : 0));
  const advanced = days.map((d) => (byDay.has(d) ? fen(byDay.get(d).advances) : 0));
  box.dataset.drawn = days
    .map((d, i) => (drawn[i] || advanced[i] ? `${d}=${drawn[i]}+${advanced[i]}` : null))
    .filter(Boolean)
    .join(',');
  const chart = await chartIn(box);
  if (!chart) return;
  const bar = (name, values, colour) => ({
    name,
    type: 'bar',
    stack: 'paid',
    color: colour,
    barMaxWidth: 24,
    data: values.map((f) => (f ? f / 100 : null)),
  });
  const empty = drawn.every((f) => !f) && advanced.every((f) => !f);
  chart.setOption(
    {
      ...common(),
      title: empty ? { text: labels.empty, left: 'center', top: 'middle', textStyle: { fontSize: 13, color: '#616e7c' } } : undefined,
      legend: { top: 0, left: 0, itemGap: 16 },
      tooltip: tooltip(money),
      xAxis: { type: 'category', data: days, axisLabel: { formatter: (d) => d.slice(5) } },
      yAxis: yuanAxis(money),
      series: [
        bar(labels.drawdowns, drawn, COLOURS.drawn),
        bar(labels.advances, advanced, COLOURS.advanced),
      ],
    },
    true,
  );
}

/**
 * The office's drawdowns (with advances) per day and hospital, stacked one colour per hospital,
 * from ({from, to, days: [{day, hospitalCode, hospitalName, drawdowns, advances}]}).
 */
export async function drawHospitals(box, office, labels, money) {
  const days = dayRange(office.from, office.to);
  const hospitals = new Map();
  for (const d of office.days) {
    if (!hospitals.has(d.hospitalCode)) {
      hospitals.set(d.hospitalCode, { name: d.hospitalName || d.hospitalCode, byDay: new Map() });
    }
    const paid = fen(d.drawdowns) + fen(d.advances);
    hospitals.get(d.hospitalCode).byDay.set(d.day, paid);
  }
  box.dataset.drawn = [...hospitals.entries()]
    .map(([code, h]) => `${code}=${[...h.byDay.values()].reduce((a, b) => a + b, 0)}`)
    .join(',');
  const chart = await chartIn(box);
  if (!chart) return;
  const series = [...hospitals.values()].map((h, i) => ({
    name: h.name,
    type: 'bar',
    stack: 'office',
    color: PALETTE[i % PALETTE.length],
    barMaxWidth: 24,
    data: days.map((d) => (h.byDay.get(d) ? h.byDay.get(d) / 100 : null)),
  }));
  chart.setOption(
    {
      ...common(),
      title: series.length ? undefined : { text: labels.empty, left: 'center', top: 'middle', textStyle: { fontSize: 13, color: '#616e7c' } },
      legend: { top: 0, left: 0, type: 'scroll' },
      tooltip: tooltip(money),
      xAxis: { type: 'category', data: days, axisLabel: { formatter: (d) => d.slice(5) } },
      yAxis: yuanAxis(money),
      series,
    },
    true,
  );
}
