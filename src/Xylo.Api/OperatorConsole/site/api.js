// The session and every call to the API. Tokens live in this module only (never in storage): a reload signs out.

/** An answer that was not 2xx, with its RFC 9457 problem (or one made up from the status when the body is not one). */
export class Problem extends Error {
  constructor(status, body) {
    super(body?.detail || body?.title || `HTTP ${status}`);
    this.status = status;
    this.body = body ?? { title: `HTTP ${status}`, status };
  }
}

let session = null; // { accessToken, refreshToken, expiresAt, user }
let refreshing = null; // the one refresh in flight: a rotated refresh token presented twice revokes the session
let refreshTimer = 0;
const listeners = new Set();

export const currentUser = () => session?.user ?? null;
export const hasRole = role => (session?.user?.roles ?? []).includes(role);
export const onSessionChange = listener => listeners.add(listener);

function start(tokens) {
  session = {
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    user: tokens.user,
  };
  clearTimeout(refreshTimer);
  // refresh a minute before the access token expires (or halfway, for short tokens)
  const lead = Math.max(tokens.expiresIn * 1000 - 60_000, tokens.expiresIn * 500);
  refreshTimer = setTimeout(() => refresh().catch(() => {}), lead);
  listeners.forEach(l => l(session.user));
}

export function end() {
  clearTimeout(refreshTimer);
  session = null;
  listeners.forEach(l => l(null));
}

async function send(method, path, { body, headers = {}, token } = {}) {
  const init = { method, headers: { Accept: 'application/json, application/problem+json', ...headers } };
  if (token) init.headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new Problem(0, { title: 'The API could not be reached', detail: String(e.message ?? e) });
  }
  return response;
}

export async function read(response) {
  const text = await response.text();
  let body = null;
  if (text) {
    try { body = JSON.parse(text); } catch { body = { title: `HTTP ${response.status}`, detail: text.slice(0, 500) }; }
  }
  if (!response.ok) throw new Problem(response.status, body ?? { title: `HTTP ${response.status} ${response.statusText}`, status: response.status });
  return body;
}

export async function devSignIn(handle, roles) {
  start(await read(await send('POST', '/auth/dev/sign-in', { body: { handle, roles } })));
}

/** Rotates the refresh token; the new access token replaces the old one in memory. */
export function refresh(refreshToken = session?.refreshToken) {
  if (!refreshToken) return Promise.reject(new Problem(401, { title: 'Not signed in', status: 401 }));
  refreshing ??= (async () => {
    try {
      start(await read(await send('POST', '/auth/refresh', { body: { refreshToken } })));
    } catch (e) {
      end();
      throw e;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signOut() {
  const refreshToken = session?.refreshToken;
  end();
  if (refreshToken) await send('POST', '/auth/logout', { body: { refreshToken } }).catch(() => {});
}

/** A call with the access token; on 401 the session is refreshed once and the call repeated. */
export async function call(method, path, options = {}) {
  if (refreshing) await refreshing.catch(() => {});
  let response = await send(method, path, { ...options, token: session?.accessToken });
  if (response.status === 401 && session?.refreshToken) {
    await refresh();
    response = await send(method, path, { ...options, token: session?.accessToken });
  }
  return options.raw ? response : read(response);
}

export const get = (path, options) => call('GET', path, options);
export const post = (path, body, options = {}) => call('POST', path, { ...options, body });
export const del = (path, options) => call('DELETE', path, options);

/** The service's name and environment (anonymous), to choose the sign-in. */
export const serviceInfo = async () => read(await send('GET', '/'));

/** The path with the query string of the non-empty values. */
export function withQuery(path, values) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null && value !== '') query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
