// What every part of the page shares: finding elements, formatting money, dates and ID numbers,
// showing a form's outcome under it (a short confirmation, or the gateway's error {code, message,
// field, correlationId}), and paging. Money arrives as JSON numbers of yuan with two decimals; the
// page turns them into integer fen at once and formats from fen.

import { ApiFailure } from './api.js';
import { errorText, t } from './i18n.js';

/** Rows per page of entries and of the roster. */
export const PAGE_SIZE = 20;

export const $ = (selector, root = document) => root.querySelector(selector);

// ---- formatting

export const fen = (yuan) => Math.round(Number(yuan || 0) * 100);

/** 123456 fen → "1,234.56". */
export function money(f) {
  const sign = f < 0 ? '-' : '';
  const abs = Math.abs(f);
  const yuan = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** The gateway's masking rule (Masking.idNo): the first character and the last two. */
export function maskIdNo(idNo) {
  if (!idNo) return '';
  if (idNo.length <= 3) return '*'.repeat(idNo.length);
  return idNo[0] + '*'.repeat(idNo.length - 3) + idNo.slice(-2);
}

export const time = (iso) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');

export function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

// ---- messages next to forms

export function clearMessages(form) {
  for (const p of form.querySelectorAll(':scope > .error, :scope > .ok')) {
    p.hidden = true;
    p.textContent = '';
  }
}

export function showOk(form, text) {
  const p = $(':scope > .ok', form);
  p.textContent = text;
  p.hidden = false;
}

/** Shows an API failure in `target` (a form, whose .error is used, or a .error element). */
export function showError(target, failure) {
  const p = target.matches('.error') ? target : $(':scope > .error', target);
  p.replaceChildren();
  if (!(failure instanceof ApiFailure)) {
    p.textContent = String(failure && failure.message ? failure.message : failure);
    p.hidden = false;
    console.error(failure);
    return;
  }
  // The sentence in the page's language; the gateway's own message only for a code the table
  // lacks (or a refusal the page made itself, already translated). The code stays machine-
  // readable on the element, not as text a clerk has to decode.
  const message = document.createElement('span');
  message.className = 'message';
  message.textContent =
    errorText(failure.code, failure.message, failure.field) ||
    failure.message ||
    t('error.unknown');
  p.append(message);
  p.dataset.code = failure.code || '';
  if (failure.correlationId) {
    const small = document.createElement('small');
    small.className = 'correlation';
    small.textContent = t('error.correlation', { id: failure.correlationId });
    p.append(' ', small);
  }
  p.hidden = false;
}

/** Runs a form's action with its button disabled; shows a failure under the form. */
export function handle(form, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearMessages(form);
    const buttons = form.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    try {
      await action(new FormData(form));
    } catch (failure) {
      showError(form, failure);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  });
}

export function localFailure(field, message) {
  return new ApiFailure(400, { code: null, field, message });
}


// ---- paging

export function pager(element, pageOf, go) {
  for (const button of element.querySelectorAll('button')) {
    button.addEventListener('click', () => {
      const page = pageOf();
      if (page) go(page.page + Number(button.dataset.step));
    });
  }
}

export function renderPager(element, page, label) {
  const pages = Math.max(1, Math.ceil(page.total / page.size));
  $('.page-info', element).textContent = t(label, { page: page.page, pages, total: page.total });
  $('[data-step="-1"]', element).disabled = page.page <= 1;
  $('[data-step="1"]', element).disabled = page.page >= pages;
  element.hidden = page.total <= page.size && page.page === 1;
}


export function button(text, action, onClick) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'link';
  b.dataset.action = action;
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}
