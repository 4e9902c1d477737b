/**
 * What the CLI reads from the admin API. The core shapes are the library's own types (type-only
 * imports: nothing of Nest or the engine is loaded at run time). Per-route stats and alerts come
 * from newer servers, so they are read defensively: absent → no route table, a 404 → "not
 * available", and fields the CLI does not know are ignored.
 */
import type { CounterSnapshot, StatsSnapshot } from '../stats/cache-stats';

export type { CounterSnapshot, StatsSnapshot };
export type { HealthReport } from '../admin/cache-health.service';
export type { KeyReport, KeysPage } from '../admin/key-inspector.service';
export type { InvalidationResult } from '../engine/invalidator';
export type { WarmupResult, WarmupJobResult } from '../warmup/warmup.runner';

export interface NamedCounters {
  name: string;
  counters: CounterSnapshot;
}

export interface Alert {
  name: string;
  severity: string;
  message: string;
  since: string;
  active: boolean;
}

export interface Alerts {
  active: Alert[];
  recent: Alert[];
}

const NO_LATENCY = { p50: 0, p95: 0, p99: 0, max: 0, samples: 0 };

/** Per-route counters, busiest first; undefined when the server does not report routes. */
export function routesOf(stats: StatsSnapshot): NamedCounters[] | undefined {
  const raw = (stats as unknown as { routes?: unknown }).routes;
  if (!raw || typeof raw !== 'object') return undefined;
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((r: { route?: string; name?: string }) => [String(r.route ?? r.name ?? '?'), r])
    : Object.entries(raw);
  return byTraffic(entries.map(([name, c]) => ({ name, counters: counters(c) })));
}

export function namespacesOf(stats: StatsSnapshot): NamedCounters[] {
  return byTraffic(
    Object.entries(stats.namespaces).map(([name, c]) => ({ name, counters: counters(c) })),
  );
}

export function requests(c: CounterSnapshot): number {
  return c.hits + c.staleHits + c.misses;
}

/** Alerts from GET /cache/alerts: `{ active, recent }` or a plain list. */
export function alertsOf(body: unknown): Alerts {
  if (Array.isArray(body)) {
    const all = body.map(alert);
    return { active: all.filter((a) => a.active), recent: all.filter((a) => !a.active) };
  }
  const { active, recent } = (body ?? {}) as { active?: unknown; recent?: unknown };
  return {
    active: Array.isArray(active) ? active.map((a) => ({ ...alert(a), active: true })) : [],
    recent: Array.isArray(recent) ? recent.map(alert) : [],
  };
}

function alert(raw: unknown): Alert {
  const a = (raw ?? {}) as Record<string, unknown>;
  const text = (...names: string[]) => {
    const found = names.map((n) => a[n]).find((v) => v !== undefined && v !== null);
    return found === undefined ? '' : String(found);
  };
  const resolved = text('resolvedAt', 'resolved') !== '' && a.resolved !== false;
  return {
    name: text('name', 'alert', 'id', 'rule', 'type'),
    severity: text('severity', 'level') || 'warning',
    message: text('message', 'summary', 'description'),
    since: text('raisedAt', 'since', 'startedAt', 'at'),
    active: a.active === undefined ? !resolved : a.active === true,
  };
}

/** A counters object with every field present (a newer or older server may omit some). */
function counters(raw: unknown): CounterSnapshot {
  const c = (raw ?? {}) as Partial<CounterSnapshot>;
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  const hits = n(c.hits);
  const misses = n(c.misses);
  const staleHits = n(c.staleHits);
  const served = hits + staleHits + misses;
  return {
    hits,
    misses,
    staleHits,
    hitRate: typeof c.hitRate === 'number' ? c.hitRate : served && (hits + staleHits) / served,
    loads: n(c.loads),
    errors: n(c.errors),
    loadErrors: n(c.loadErrors),
    uncacheable: n(c.uncacheable),
    invalidations: n(c.invalidations),
    latencyMs: {
      hit: { ...NO_LATENCY, ...c.latencyMs?.hit },
      miss: { ...NO_LATENCY, ...c.latencyMs?.miss },
    },
  };
}

function byTraffic(rows: NamedCounters[]): NamedCounters[] {
  return rows.sort((a, b) => requests(b.counters) - requests(a.counters));
}
