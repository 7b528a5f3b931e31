// A bar chart of an account's drawdowns per day as inline SVG: one bar per day of the window,
// the assistance paid from the account below, the part advanced by the hospital stacked above.
// Days without movement are absent from the API's answer and drawn as empty slots, so the x axis
// is always the whole window. No library: a few rectangles, lines and labels.

const SVG = 'http://www.w3.org/2000/svg';

/** Size of the drawing in SVG user units (it scales to the container's width). */
const WIDTH = 720;
const HEIGHT = 220;
const PAD_LEFT = 64;
const PAD_RIGHT = 8;
const PAD_TOP = 12;
const PAD_BOTTOM = 28;

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Fen from the API's decimal yuan (exact for amounts below 10^13 yuan). */
const fen = (yuan) => Math.round(Number(yuan || 0) * 100);

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

/** Every day from `from` (YYYY-MM-DD) for `days` days. */
function dayWindow(from, days) {
  const out = [];
  const d = new Date(from + 'T00:00:00Z');
  for (let i = 0; i < days; i++) {
    out.push(isoDay(d));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** A round top for the y axis: 1, 2 or 5 times a power of ten, in fen, at least max. */
function niceTop(maxFen) {
  if (maxFen <= 0) return 100;
  const power = Math.pow(10, Math.floor(Math.log10(maxFen)));
  for (const m of [1, 2, 5, 10]) if (m * power >= maxFen) return m * power;
  return 10 * power;
}

/**
 * Draws daily (the API's {from, days:[{day, drawdowns, advances, ...}]}) over `days` days into
 * container; labels = {drawdowns, advances, empty}; money formats fen as text.
 */
export function drawDaily(container, daily, days, labels, money) {
  container.replaceChildren();
  const byDay = new Map(daily.days.map((d) => [d.day, d]));
  const slots = dayWindow(daily.from, days).map((day) => {
    const d = byDay.get(day);
    return { day, drawn: d ? fen(d.drawdowns) : 0, advanced: d ? fen(d.advances) : 0 };
  });
  const maxFen = Math.max(0, ...slots.map((s) => s.drawn + s.advanced));
  const top = niceTop(maxFen);
  const plotW = WIDTH - PAD_LEFT - PAD_RIGHT;
  const plotH = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const slotW = plotW / slots.length;
  const y = (f) => PAD_TOP + plotH - (f / top) * plotH;

  const svg = el('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: 'img',
    'aria-label': labels.title,
    class: 'chart',
  });
  for (const f of [0, top / 2, top]) {
    svg.append(el('line', { x1: PAD_LEFT, x2: WIDTH - PAD_RIGHT, y1: y(f), y2: y(f), class: 'grid' }));
    svg.append(el('text', { x: PAD_LEFT - 6, y: y(f) + 4, class: 'axis', 'text-anchor': 'end' }, money(f)));
  }
  slots.forEach((s, i) => {
    const x = PAD_LEFT + i * slotW + slotW * 0.15;
    const w = slotW * 0.7;
    const tip = `${s.day}  ${labels.drawdowns} ${money(s.drawn)}` +
      (s.advanced ? `  ${labels.advances} ${money(s.advanced)}` : '');
    const g = el('g', { 'data-day': s.day });
    g.append(el('title', {}, tip));
    if (s.drawn > 0) {
      g.append(el('rect', { x, y: y(s.drawn), width: w, height: y(0) - y(s.drawn), class: 'bar-drawn' }));
    }
    if (s.advanced > 0) {
      const base = y(s.drawn);
      const h = y(0) - y(s.advanced);
      g.append(el('rect', { x, y: base - h, width: w, height: h, class: 'bar-advanced' }));
    }
    svg.append(g);
    if (i % 5 === 0 || i === slots.length - 1) {
      svg.append(el('text', { x: x + w / 2, y: HEIGHT - 10, class: 'axis', 'text-anchor': 'middle' },
        s.day.slice(5)));
    }
  });
  container.append(svg);
  const legend = document.createElement('p');
  legend.className = 'legend';
  legend.innerHTML = '<span class="swatch drawn"></span><span></span> ' +
    '<span class="swatch advanced"></span><span></span>';
  legend.children[1].textContent = labels.drawdowns;
  legend.children[3].textContent = labels.advances;
  container.append(legend);
  if (maxFen === 0) {
    const note = document.createElement('p');
    note.className = 'muted';
    note.textContent = labels.empty;
    container.append(note);
  }
}
