// The admin API, called with the token the user typed. The token lives in sessionStorage (this
// tab only) and travels in the Authorization header, never in a URL.

const TOKEN_KEY = 'nest-tiered-cache:admin-token';
/** the admin API's base path: this module is served at <admin path>/dashboard/api.js */
const BASE = new URL('..', import.meta.url).pathname.replace(/\/$/, '');

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }

  get auth() {
    return this.status === 401 || this.status === 403;
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Endpoints some servers lack (older versions): answered 404 once, they are not asked again. */
const missing = new Set();

/** JSON from the admin API; `optional` endpoints resolve to undefined when the server lacks them. */
export async function call(method, path, { query, body, optional = false } = {}) {
  if (optional && missing.has(path)) return undefined;
  const url = new URL(BASE + path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
  }
  const headers = { Authorization: `Bearer ${token.get() ?? ''}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'the server cannot be reached');
  }
  if (optional && res.status === 404) {
    missing.add(path);
    return undefined;
  }
  const data = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(res.status, describe(res.status, data));
  return data;
}

export const get = (path, options) => call('GET', path, options);

function describe(status, data) {
  if (status === 401) return 'The admin token was refused (401): check CACHE_ADMIN_TOKEN.';
  if (status === 403) {
    const detail = typeof data?.message === 'string' ? `: ${data.message}` : '';
    return `Access refused (403)${detail}.`;
  }
  const message = Array.isArray(data?.message) ? data.message.join('; ') : data?.message;
  return `${status}: ${message ?? 'request failed'}`;
}
