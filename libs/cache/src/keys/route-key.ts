/** What a route's cached response depends on, besides its path. */
export interface RouteVary {
  /** query parameters in the key: all of them (true, the default) or only these */
  query?: readonly string[] | true;
  /** request headers in the key (names are case-insensitive) */
  headers?: readonly string[];
}

export interface RouteKeyInput {
  method: string;
  /** the request URL as received: path and query string */
  url: string;
  headers?: Record<string, string | string[] | undefined>;
  vary?: RouteVary;
  /** replaces `METHOD path` when the route's @Cached has its own key */
  base?: string;
  /** per-user routes: the caller's id, or null for an anonymous caller; undefined: not per user */
  user?: string | null;
}

/** The tag every entry of a `perUser` route carries, so one user's entries can be dropped. */
export function userTag(id: string): string {
  return `user:${id}`;
}

/** The part of a route key that names an anonymous caller; a user id part is always `u:<id>`. */
export const ANONYMOUS = 'anon';

/**
 * `GET /items?page=2&sort=asc|h:accept-language=fr|u:42`. The query is re-encoded with its names
 * sorted, so parameter order does not split the cache; HEAD shares GET's entry (same body).
 * Values are URI-encoded, so no value can forge a `|h:` or `|u:` part of another key.
 */
export function buildRouteKey(input: RouteKeyInput): string {
  const [path, search = ''] = splitUrl(input.url);
  const method = input.method.toUpperCase() === 'HEAD' ? 'GET' : input.method.toUpperCase();
  let key = input.base ?? `${method} ${path}`;
  const query = selectQuery(search, input.vary?.query ?? true);
  if (query) key += `?${query}`;
  for (const name of [...(input.vary?.headers ?? [])].map((h) => h.toLowerCase()).sort()) {
    const raw = input.headers?.[name];
    const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
    key += `|h:${name}=${encodeURIComponent(value)}`;
  }
  if (input.user !== undefined) {
    key += input.user === null ? `|${ANONYMOUS}` : `|u:${encodeURIComponent(input.user)}`;
  }
  return key;
}

function splitUrl(url: string): [string, string?] {
  const at = url.indexOf('?');
  return at < 0 ? [url] : [url.slice(0, at), url.slice(at + 1)];
}

function selectQuery(search: string, selection: readonly string[] | true): string {
  if (!search || (selection !== true && selection.length === 0)) return '';
  const params = new URLSearchParams(search);
  const selected = new URLSearchParams();
  for (const [name, value] of params) {
    if (selection === true || selection.includes(name)) selected.append(name, value);
  }
  // stable: repeated names keep their order, which may mean something to the handler
  selected.sort();
  return selected.toString();
}
