// The console's one way to the HTTP API: same-origin fetch with the session cookie, JSON in and
// out, the CSRF token on every state-changing request, errors as ApiError.

let current = null;

export class ApiError extends Error {
  constructor(status, body, fallback) {
    const error = (body && body.error) || {};
    super(error.message || fallback || `request failed (${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = error.code || null;
    this.details = error.details || {};
    this.body = body;
  }
}

function queryString(query) {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.append(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

// api('GET', '/v1/tenants/acme/sandboxes') -> {status, data, etag, headers}; throws ApiError for
// anything but 2xx (message, code and details from the API's error body). extraHeaders: more
// request headers (an import's Idempotency-Key).
export async function api(method, path, { body, ifMatch, query, signal, extraHeaders } = {}) {
  const headers = { Accept: 'application/json', ...(extraHeaders || {}) };
  const init = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (ifMatch) headers['If-Match'] = ifMatch;
  if (method !== 'GET' && method !== 'HEAD' && current && current.csrf_token) {
    headers['X-CSRF-Token'] = current.csrf_token;
  }
  let res;
  let text = '';
  try {
    res = await fetch(path + queryString(query), init);
    // The body can fail too (the connection drops, or the page is being left mid-answer).
    if (res.status !== 204) text = await res.text();
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null, 'The server cannot be reached. Check your connection and try again.');
  }
  let data = null;
  if (res.status !== 204) {
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (res.ok) return { status: res.status, data, etag: res.headers.get('ETag'), headers: res.headers };
  const err = new ApiError(res.status, data, res.statusText);
  // A 401 on anything but the session routes means the session ended (sign-out elsewhere, idle,
  // revoked token): the router sends the user to the sign-in page.
  if (res.status === 401 && !path.startsWith('/v1/session')) {
    current = null;
    window.dispatchEvent(new CustomEvent('ferry:session-ended'));
  }
  throw err;
}

// GET /v1/session: the session (tenant, user, name, roles, csrf_token, ...) or null when there is
// none.
export async function loadSession() {
  try {
    const { data } = await api('GET', '/v1/session');
    current = data;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) current = null;
    else throw e;
  }
  return current;
}

export function session() {
  return current;
}

export function setSession(s) {
  current = s;
}

// Starts a session from a sign-in link's code or a personal token; the token is sent once and
// never kept by the console.
export async function signIn(credentials) {
  const { data } = await api('POST', '/v1/sessions', { body: credentials });
  current = data;
  return data;
}

export async function signOut() {
  try {
    await api('DELETE', '/v1/session');
  } finally {
    current = null;
  }
}

// The roles of the current user on a sandbox (grants on '*' included).
export function rolesOn(sandbox, s = current) {
  if (!s) return [];
  return (s.roles || []).filter((r) => r.sandbox === sandbox || r.sandbox === '*').map((r) => r.role);
}

// sandbox_edit: admin or editor on the sandbox or on '*'.
export function canEdit(sandbox, s = current) {
  return rolesOn(sandbox, s).some((r) => r === 'admin' || r === 'editor');
}

export function isTenantAdmin(s = current) {
  return !!s && (s.roles || []).some((r) => r.sandbox === '*' && r.role === 'admin');
}

export function tenantPath(tenant) {
  return `/v1/tenants/${encodeURIComponent(tenant)}`;
}

export function sandboxPath(tenant, sandbox) {
  return `${tenantPath(tenant)}/sandboxes/${encodeURIComponent(sandbox)}`;
}
