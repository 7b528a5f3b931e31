// A closed period's statement (清算单) as a sheet to print on one A4 page and sign: the office,
// the hospital, the period, the opening balance, the period's top-ups, drawdowns, reversals and
// advances, the closing balance (also in Chinese capitals, as on a payment voucher) and signature
// lines for both sides. The sheet is part of this page: style.css's @media print shows it alone
// (@page A4) while the body has class print-sheet. The transfers behind it are in the CSV.

import { t } from './i18n.js';
import { $, fen, money, time } from './ui.js';

const DIGITS = '零壹贰叁肆伍陆柒捌玖';
const UNITS = ['', '拾', '佰', '仟'];
const GROUPS = ['', '万', '亿', '万亿'];

/** An amount of fen in Chinese capitals (大写): 123456 → 壹仟贰佰叁拾肆元伍角陆分. */
export function capitals(amountFen) {
  const negative = amountFen < 0;
  const f = Math.abs(amountFen);
  const yuan = Math.floor(f / 100);
  const jiao = Math.floor(f / 10) % 10;
  const fenDigit = f % 10;
  let out = '';
  if (yuan > 0) {
    const text = String(yuan);
    const groups = [];
    for (let end = text.length; end > 0; end -= 4) {
      groups.unshift(text.slice(Math.max(0, end - 4), end).padStart(4, '0'));
    }
    let zero = false;
    groups.forEach((g, gi) => {
      let part = '';
      for (let k = 0; k < 4; k++) {
        const d = Number(g[k]);
        if (d === 0) {
          zero = true;
          continue;
        }
        if (zero && (out || part)) part += '零';
        zero = false;
        part += DIGITS[d] + UNITS[3 - k];
      }
      if (part) out += part + GROUPS[groups.length - 1 - gi];
    });
    out += '元';
  }
  if (jiao === 0 && fenDigit === 0) {
    out = (out || '零元') + '整';
  } else {
    if (jiao) out += DIGITS[jiao] + '角';
    else if (out) out += '零';
    out += fenDigit ? DIGITS[fenDigit] + '分' : '整';
  }
  return (negative ? '负' : '') + out;
}

/** The period's first and last day: "2026-10" → ["2026-10-01", "2026-10-31"]. */
function periodDays(period) {
  const [y, m] = period.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${period}-01`, `${period}-${String(last).padStart(2, '0')}`];
}

function row(table, label, value, className) {
  const tr = table.insertRow();
  const th = document.createElement('th');
  th.textContent = label;
  tr.append(th);
  const td = tr.insertCell();
  td.textContent = value;
  if (className) td.className = className;
  return tr;
}

/**
 * Lays out statement s (the API's statement) on the sheet and shows it; ctx: {office, account
 * (the selected account: hospitalName, hospitalCode, id), manager, items (transfers behind it)}.
 */
export function printSheet(s, ctx) {
  const sheet = $('#statement-sheet');
  const [first, last] = periodDays(s.period);
  $('#sheet-title').textContent = t('sheet.title');
  $('#sheet-period').textContent = t('sheet.period', { period: s.period, first, last });

  const head = $('#sheet-head');
  head.replaceChildren();
  row(head, t('sheet.office'), ctx.office);
  row(head, t('sheet.hospital'), `${ctx.account.hospitalName || ''} (${ctx.account.hospitalCode})`);
  row(head, t('sheet.account'), String(s.accountId));
  row(head, t('sheet.closed'), `${time(s.closedAt)} · ${s.closedBy}`);

  const figures = $('#sheet-figures');
  figures.replaceChildren();
  const lines = [
    ['sheet.opening', s.openingBalance],
    ['sheet.topUps', s.topUps],
    ['sheet.drawdowns', s.drawdowns],
    ['sheet.reversals', s.reversalCredits],
    ['sheet.advances', s.advances],
    ['sheet.advanceReversals', s.advanceReversals],
    ['sheet.closing', s.closingBalance],
    ['sheet.advanceOwed', s.advanceOwed],
  ];
  for (const [key, yuan] of lines) {
    const tr = row(figures, t(key), money(fen(yuan)), 'num');
    tr.dataset.figure = key.slice('sheet.'.length);
  }
  $('#sheet-figures tr[data-figure=closing]').classList.add('total');
  row(figures, t('sheet.settlements'), String(s.settlementCount), 'num');
  $('#sheet-capitals').textContent =
    t('sheet.capitals', { capitals: capitals(fen(s.closingBalance)) });
  $('#sheet-check').textContent = t('sheet.check', {
    opening: money(fen(s.openingBalance)),
    topUps: money(fen(s.topUps)),
    drawdowns: money(fen(s.drawdowns)),
    reversals: money(fen(s.reversalCredits)),
    closing: money(fen(s.closingBalance)),
  });
  $('#sheet-items').textContent = t('sheet.items', { n: ctx.items });
  $('#sheet-printed').textContent =
    t('sheet.printed', { at: new Date().toLocaleString('zh-CN', { hour12: false }), by: ctx.manager });
  sheet.hidden = false;
  document.body.classList.add('print-sheet');
  $('#sheet-print').focus();
}

$('#sheet-print').addEventListener('click', () => window.print());
$('#sheet-close').addEventListener('click', () => {
  $('#statement-sheet').hidden = true;
  document.body.classList.remove('print-sheet');
});
