// What one poll of the admin API shows: figures, health, alerts, advice, namespaces, routes.
// Fields a server does not send (older versions, memory-only mode) are shown as "–" or left out.

import { $, bytes, el, facts, fill, ms, num, pct, table } from './dom.js';

/** Hit rate over the last poll interval, from two readings of cumulative counters. */
export function intervalRate(now, before) {
  if (!now || !before) return null;
  const hits =
    (now.hits ?? 0) + (now.staleHits ?? 0) - (before.hits ?? 0) - (before.staleHits ?? 0);
  const served = hits + (now.misses ?? 0) - (before.misses ?? 0);
  return served > 0 ? hits / served : null;
}

export const lookups = (c) => (c ? (c.hits ?? 0) + (c.staleHits ?? 0) + (c.misses ?? 0) : 0);

/**
 * Per-route counters as a list, whichever way the server sends them (a map keyed by route, or a
 * list of objects with a `route`), from /cache/stats or /cache/performance.
 */
export function routesOf(stats, performance) {
  const source = stats?.routes ?? performance?.byRoute ?? performance?.routes;
  if (!source || typeof source !== 'object') return [];
  const entries = Array.isArray(source)
    ? source.map((r) => [r.route ?? r.name, r])
    : Object.entries(source);
  return entries
    .filter(([name, c]) => typeof name === 'string' && c && typeof c === 'object')
    .map(([route, c]) => ({ route, ...c }));
}

export function renderFigures({ stats, detailed, performance, rate, perSecond }) {
  const card = (label, value, id) =>
    el(
      'div',
      { class: 'figure', id },
      el('span', { class: 'figure-value' }, value),
      el('span', {}, label),
    );
  const target = performance?.hitRateTarget;
  const speedUp = performance?.speedUp;
  fill(
    $('figures'),
    card(
      typeof target === 'number'
        ? `hit rate since start (target ${pct(target)})`
        : 'hit rate since start',
      pct(stats.hitRate),
      'figure-hit-rate',
    ),
    card('hit rate, last interval', rate === null ? '–' : pct(rate), 'figure-live-rate'),
    card('lookups / s', perSecond === null ? '–' : perSecond.toFixed(1)),
    card('hit p50', ms(stats.latencyMs?.hit?.p50)),
    card('miss p50', ms(stats.latencyMs?.miss?.p50)),
    typeof speedUp === 'number' ? card('a hit is faster by', `${speedUp}×`) : null,
    card('keys', num(detailed?.keys?.total)),
    card('errors', num(stats.errors)),
  );
}

export function renderHealth(detailed, stats) {
  const status = detailed?.status ?? 'unknown';
  const pill = $('status');
  pill.className = `pill ${status}`;
  pill.textContent = status;
  const redis = detailed?.redis;
  const mem = detailed?.memory;
  const tier = detailed?.memoryTier;
  facts($('health'), [
    ['status', status],
    ['backend', detailed?.backend],
    ['mode', detailed?.mode],
    ['Redis version', redis?.version],
    ['Redis memory', mem ? `${bytes(mem.used)} (peak ${bytes(mem.peak)})` : undefined],
    ['Redis latency', redis ? ms(redis.latencyMs) : undefined],
    ['clients', redis ? num(redis.connectedClients) : undefined],
    [
      'circuit',
      detailed?.circuit
        ? `${detailed.circuit.state} (opened ${detailed.circuit.opened}×)`
        : stats?.redis?.circuit,
    ],
    [
      'memory tier',
      tier
        ? `${num(tier.entries)} entries, ${bytes(tier.bytes)} of ${bytes(tier.maxBytes)}`
        : 'off',
    ],
    ['since', stats?.since ? new Date(stats.since).toLocaleString() : undefined],
  ]);
  const advice = Array.isArray(detailed?.recommendations) ? detailed.recommendations : [];
  fill(
    $('recommendations'),
    advice.length
      ? advice.map((text) => el('li', {}, String(text)))
      : el('li', { class: 'muted' }, 'none: all good'),
  );
}

/** `/cache/alerts` when the server has it: { active: [...] } or a list. */
export function renderAlerts(alerts) {
  const node = $('alerts');
  if (alerts === undefined)
    return fill(node, el('li', { class: 'muted' }, 'not reported by this server'));
  const active = Array.isArray(alerts)
    ? alerts
    : Array.isArray(alerts?.active)
      ? alerts.active
      : [];
  if (active.length === 0) return fill(node, el('li', { class: 'ok' }, 'no active alert'));
  fill(
    node,
    active.map((a) => {
      const name = a.alert ?? a.name ?? 'alert';
      const figures = a.message ? '' : ` (${a.value} vs ${a.threshold})`;
      const since = a.raisedAt ? ` since ${new Date(a.raisedAt).toLocaleTimeString()}` : '';
      return el(
        'li',
        { class: 'alert' },
        el('strong', {}, String(name)),
        ` ${a.message ?? ''}${figures}`,
        el('span', { class: 'muted' }, since),
      );
    }),
  );
}

export function renderNamespaces(stats, detailed) {
  const counted = detailed?.keys?.byNamespace ?? {};
  const ttls = detailed?.ttl;
  const names = [
    ...new Set([...Object.keys(stats.namespaces ?? {}), ...Object.keys(counted)]),
  ].sort();
  const rows = names.map((name) => {
    const c = stats.namespaces?.[name];
    const ttl = ttls?.byNamespace?.[name] ?? ttls?.default;
    return [
      name,
      num(counted[name] ?? 0),
      ttl === undefined ? '–' : `${ttl} s`,
      pct(c?.hitRate),
      num(c?.hits),
      num(c?.misses),
      ms(c?.latencyMs?.miss?.p50),
    ];
  });
  fill(
    $('namespaces'),
    table(['namespace', 'keys', 'TTL', 'hit rate', 'hits', 'misses', 'miss p50'], rows),
  );
}

/**
 * Top and bottom routes by hit rate: the server's ranking when it sends one (/cache/performance
 * topRoutes, bottomRoutes), else ranked here among the routes that saw lookups.
 */
export function renderRoutes(routes, performance) {
  $('chart-routes').hidden = routes.length === 0;
  if (routes.length === 0) {
    return fill(
      $('routes'),
      el('p', { class: 'muted' }, 'Per-route figures are not reported by this server.'),
    );
  }
  const byName = new Map(routes.map((r) => [r.route, r]));
  const ranked = (list) =>
    list.map((r) => ({ ...byName.get(r.name), route: r.name, hitRate: r.hitRate }));
  const seen = routes
    .filter((r) => lookups(r) > 0)
    .sort((a, b) => (b.hitRate ?? 0) - (a.hitRate ?? 0));
  const top = Array.isArray(performance?.topRoutes)
    ? ranked(performance.topRoutes)
    : seen.slice(0, 5);
  const bottom = Array.isArray(performance?.bottomRoutes)
    ? ranked(performance.bottomRoutes)
    : seen.slice(5).slice(-5).reverse();
  const row = (r) => [
    r.route,
    pct(r.hitRate),
    num(lookups(r)),
    ms(r.latencyMs?.hit?.p50),
    ms(r.latencyMs?.miss?.p50),
  ];
  const columns = ['route', 'hit rate', 'lookups', 'hit p50', 'miss p50'];
  fill(
    $('routes'),
    el('h3', {}, 'Top'),
    table(columns, top.map(row), 'no lookups yet'),
    bottom.length ? [el('h3', {}, 'Bottom'), table(columns, bottom.map(row))] : [],
  );
}
