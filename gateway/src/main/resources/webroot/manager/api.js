// The managers' JSON API (/manager/api/*), called with the session cookie the login sets.
// Every call sends X-Requested-With: the gateway refuses a change made with the cookie without it
// (its CSRF rule), and a GET ignores it. A failure becomes an ApiFailure carrying the gateway's
// {code, message, field, correlationId}, so the form that caused it can show it.

const BASE = '/manager/api';

/** The insurance agencies' API: policies.js (agency staff, the same session cookie). */
const AGENCY = '/agency/api';

/** Longest a call may take before the page gives up on it, in milliseconds. */
const TIMEOUT_MILLIS = 30000;

export class ApiFailure extends Error {
  constructor(status, body) {
    super(body.message || `HTTP ${status}`);
    this.status = status;
    this.code = body.code || null;
    this.field = body.field || null;
    this.correlationId = body.correlationId || null;
    // a policy draft's problems (POLICY_INVALID): [{field, message}], every one
    this.errors = Array.isArray(body.errors) ? body.errors : null;
  }
}

/** Called with the ApiFailure of any 401, so the page can show the login form again. */
let onUnauthenticated = () => {};

export function whenUnauthenticated(callback) {
  onUnauthenticated = callback;
}

async function call(method, path, { json, body, contentType, base = BASE } = {}) {
  const headers = { 'X-Requested-With': 'fetch', Accept: 'application/json' };
  let payload = body;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = typeof json === 'string' ? json : JSON.stringify(json);
  } else if (contentType) {
    headers['Content-Type'] = contentType;
  }
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal: AbortSignal.timeout(TIMEOUT_MILLIS),
    });
  } catch (e) {
    throw new ApiFailure(0, { code: 'NETWORK', message: null });
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = { code: 'BAD_RESPONSE', message: text.slice(0, 200) };
  }
  if (!response.ok) {
    const failure = new ApiFailure(response.status, data || {});
    if (response.status === 401 && path !== '/login') onUnauthenticated(failure);
    throw failure;
  }
  // A top-up repeated with a known reference is answered with the first one's result.
  if (data && response.headers.get('Idempotent-Replayed') === 'true') data.replayed = true;
  return data;
}

/**
 * Sends a blob with XMLHttpRequest, whose upload events (unlike fetch's) tell how much of the body
 * has left: onProgress(bytesSent) as it goes. Answers and failures as call() gives them.
 */
function upload(method, path, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, BASE + path);
    xhr.setRequestHeader('X-Requested-With', 'fetch');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.timeout = TIMEOUT_MILLIS;
    xhr.upload.onprogress = (e) => onProgress && onProgress(e.loaded);
    xhr.onerror = xhr.ontimeout = () => reject(new ApiFailure(0, { code: 'NETWORK', message: null }));
    xhr.onload = () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        data = { code: 'BAD_RESPONSE', message: xhr.responseText.slice(0, 200) };
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data);
        return;
      }
      const failure = new ApiFailure(xhr.status, data || {});
      if (xhr.status === 401) onUnauthenticated(failure);
      reject(failure);
    };
    xhr.send(blob);
  });
}

const enc = encodeURIComponent;

function query(params) {
  const parts = [];
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') parts.push(`${enc(k)}=${enc(v)}`);
  }
  return parts.length ? '?' + parts.join('&') : '';
}

export const api = {
  login: (username, password) => call('POST', '/login', { json: { username, password } }),
  logout: () => call('POST', '/logout'),
  me: () => call('GET', '/me'),
  hospitals: () => call('GET', '/hospitals'),

  accounts: () => call('GET', '/accounts'),
  openAccount: (hospitalCode) => call('POST', '/accounts', { json: { hospitalCode } }),
  // Amounts travel as the text the manager typed (5,000.00, ５０００), never through a binary
  // float: the managers' API reads such text exactly to the fen.
  settings: (id, mode, thresholdText) =>
    call('PUT', `/accounts/${enc(id)}/settings`, {
      json: { mode, lowBalanceThreshold: thresholdText },
    }),
  topUp: (id, reference, amountText) =>
    call('POST', `/accounts/${enc(id)}/top-ups`, { json: { reference, amount: amountText } }),
  entries: (id, filter) => call('GET', `/accounts/${enc(id)}/entries` + query(filter)),
  daily: (id, days) => call('GET', `/accounts/${enc(id)}/daily` + query({ days })),
  forecast: (id) => call('GET', `/accounts/${enc(id)}/forecast`),
  officeDrawdowns: (days) => call('GET', '/drawdowns' + query({ days })),
  statement: (id, period) => call('GET', `/accounts/${enc(id)}/statements/${enc(period)}`),
  close: (id, period) => call('POST', `/accounts/${enc(id)}/periods/${enc(period)}/close`),
  statements: (id) => call('GET', `/accounts/${enc(id)}/statements`),
  statementCsvUrl: (id, period) => `${BASE}/accounts/${enc(id)}/statements/${enc(period)}/csv`,

  identities: (filter) => call('GET', '/identities' + query(filter)),
  register: (draft) => call('POST', '/identities', { json: draft }),
  change: (id, changes) => call('PUT', `/identities/${enc(id)}`, { json: changes }),
  confirm: (id) => call('POST', `/identities/${enc(id)}/confirm`),
  end: (id, validTo) => call('POST', `/identities/${enc(id)}/end`, { json: { validTo } }),
  exportUrl: () => `${BASE}/identities/export`,
  // a roster import as a job: created, its parts uploaded, checked, previewed, then confirmed or
  // cancelled (RosterImports on the gateway)
  createImport: (bytes, contentType) =>
    call('POST', '/identities/imports', { json: { bytes, contentType: contentType || null } }),
  importPart: (id, seq, blob, onProgress) =>
    upload('PUT', `/identities/imports/${enc(id)}/parts/${seq}`, blob, onProgress),
  checkImport: (id) => call('POST', `/identities/imports/${enc(id)}/check`),
  importStatus: (id) => call('GET', `/identities/imports/${enc(id)}`),
  confirmImport: (id) => call('POST', `/identities/imports/${enc(id)}/confirm`),
  cancelImport: (id) => call('POST', `/identities/imports/${enc(id)}/cancel`),

  coverage: (filter) => call('GET', '/coverage' + query(filter)),
  // a region's matching runs in the background: start it (or join the one running), then poll
  startCoverageRun: (filter) => call('POST', '/coverage/runs' + query(filter)),
  latestCoverageRun: () => call('GET', '/coverage/runs/latest'),
  coverageRun: (id, filter) => call('GET', `/coverage/runs/${enc(id)}` + query(filter)),
  coverageRunExportUrl: (id, filter) => `api/coverage/runs/${enc(id)}/export` + query(filter),

  subsidies: (filter) => call('GET', '/coverage/subsidies' + query(filter)),
  subsidiesExportUrl: (filter) => 'api/coverage/subsidies/export' + query(filter),

  // the insured register's import (agency staff), sent in parts under the body limit
  startRegisterImport: (part, type, more) =>
    call('POST', '/register/imports' + query({ more }), { body: part, contentType: type }),
  appendRegisterPart: (id, part, type, more) =>
    call('POST', `/register/imports/${enc(id)}/parts` + query({ more }), {
      body: part,
      contentType: type,
    }),
  registerImport: (id) => call('GET', `/register/imports/${enc(id)}`),
  // relative to the page (/manager/), like the roster's export link
  coverageExportUrl: (filter) => 'api/coverage/export' + query(filter),

  oversight: (filter) => call('GET', '/oversight' + query(filter)),
  startSimulation: (request) => call('POST', '/simulations', { json: request }),
  simulation: (id) => call('GET', `/simulations/${enc(id)}`),
  simulationExportUrl: (id) => `api/simulations/${enc(id)}/export`,
  // policy versions (agency staff; docs/policies.md)
  policies: () => call('GET', '/policies', { base: AGENCY }),
  policy: (id) => call('GET', `/policies/${enc(id)}`, { base: AGENCY }),
  draftPolicy: (draft) => call('POST', '/policies', { json: draft, base: AGENCY }),
  revisePolicy: (id, draft) => call('PUT', `/policies/${enc(id)}`, { json: draft, base: AGENCY }),
  approvePolicy: (id, note) =>
    call('POST', `/policies/${enc(id)}/approve`, { json: note ? { note } : {}, base: AGENCY }),
  rejectPolicy: (id, note) =>
    call('POST', `/policies/${enc(id)}/reject`, { json: { note }, base: AGENCY }),
  withdrawPolicy: (id) => call('POST', `/policies/${enc(id)}/withdraw`, { base: AGENCY }),
  policyDocumentUrl: (id) => `${AGENCY}/policies/${enc(id)}/document`,
  // insurance catalogue versions (agency staff; catalogue.js, docs/policies.md)
  catalogues: () => call('GET', '/catalogues', { base: AGENCY }),
  catalogue: (id) => call('GET', `/catalogues/${enc(id)}`, { base: AGENCY }),
  catalogueDiff: (id) => call('GET', `/catalogues/${enc(id)}/diff`, { base: AGENCY }),
  draftCatalogue: (file, params) =>
    call('POST', `/catalogues?${new URLSearchParams(params)}`, {
      body: file,
      contentType: 'text/csv',
      base: AGENCY,
    }),
  approveCatalogue: (id, note) =>
    call('POST', `/catalogues/${enc(id)}/approve`, { json: note ? { note } : {}, base: AGENCY }),
  rejectCatalogue: (id, note) =>
    call('POST', `/catalogues/${enc(id)}/reject`, { json: { note }, base: AGENCY }),
  withdrawCatalogue: (id) => call('POST', `/catalogues/${enc(id)}/withdraw`, { base: AGENCY }),
  catalogueDocumentUrl: (id, charset) =>
    `${AGENCY}/catalogues/${enc(id)}/document${charset ? `?charset=${charset}` : ''}`,
};
