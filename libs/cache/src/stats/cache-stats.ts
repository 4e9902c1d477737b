import type { InvalidationResult, InvalidationSpec } from '../engine/invalidator';
import { CacheEvents } from '../monitoring/cache-events';
import { LatencyWindow } from './latency-window';

export interface CounterSnapshot {
  hits: number;
  misses: number;
  staleHits: number;
  hitRate: number;
  loads: number;
  /** loader calls that threw (served from grace or passed to the caller) */
  loadErrors: number;
  errors: number;
  invalidations: number;
  /** values returned to the caller but not stored: a cycle, too large, their serializer threw */
  uncacheable: number;
  latencyMs: {
    hit: ReturnType<LatencyWindow['percentiles']>;
    miss: ReturnType<LatencyWindow['percentiles']>;
  };
}

export interface StatsSnapshot extends CounterSnapshot {
  namespaces: Record<string, CounterSnapshot>;
  /** cached HTTP routes by route template (`GET /barbers/:id`), never by raw URL */
  routes: Record<string, CounterSnapshot>;
  memory: { entries: number; bytes: number } | null;
  redis: { circuit: string; circuitOpened: number; status: string };
  slowestMisses: { key: string; ms: number }[];
  since: string;
}

/** Share of calls served from the cache (stale hits count: the caller got a cached value), 4 decimals. */
export function hitRate(hits: number, staleHits: number, misses: number): number {
  const served = hits + staleHits + misses;
  return served === 0 ? 0 : Math.round(((hits + staleHits) / served) * 10_000) / 10_000;
}

class Counters {
  hits = 0;
  misses = 0;
  staleHits = 0;
  loads = 0;
  loadErrors = 0;
  errors = 0;
  invalidations = 0;
  uncacheable = 0;
  readonly hitLatency = new LatencyWindow(512);
  readonly missLatency = new LatencyWindow(512);

  snapshot(): CounterSnapshot {
    return {
      hits: this.hits,
      misses: this.misses,
      staleHits: this.staleHits,
      hitRate: hitRate(this.hits, this.staleHits, this.misses),
      loads: this.loads,
      loadErrors: this.loadErrors,
      errors: this.errors,
      invalidations: this.invalidations,
      uncacheable: this.uncacheable,
      latencyMs: { hit: this.hitLatency.percentiles(), miss: this.missLatency.percentiles() },
    };
  }
}

const NO_NAMESPACE = '(none)';
const SLOW_MISSES = 20;

export type InvalidationKind = keyof InvalidationResult | 'all';
/** How a cached route's request was answered (the interceptor maps the engine's source to it). */
export type RouteOutcome = 'hit' | 'stale' | 'miss' | 'error';
/** Where latency samples go besides the windows: the Prometheus histograms, when mounted. */
export type LatencySink = (
  scope: 'namespace' | 'route',
  name: string,
  outcome: 'hit' | 'miss',
  ms: number,
) => void;

/**
 * Counters overall and per namespace. Plain numbers on the hot path; prom-client and the admin
 * API read them when asked, so a hit costs two increments, not a histogram update.
 */
export class CacheStats {
  readonly total = new Counters();
  /** the event stream (CacheService.events$) hangs here, where every outcome is counted */
  readonly events = new CacheEvents();
  /** invalidations by kind: how many were asked for, not how many entries they removed */
  readonly invalidationsByKind: Record<InvalidationKind, number> = {
    keys: 0,
    tags: 0,
    namespaces: 0,
    patterns: 0,
    all: 0,
  };
  private readonly byNamespace = new Map<string, Counters>();
  private readonly byRoute = new Map<string, Counters>();
  latencySink: LatencySink | undefined;
  private readonly slowest: { key: string; ms: number }[] = [];
  private readonly started = new Date();
  private tick = 0;

  /** true for one call in 16: latency is sampled, so timing does not slow every hit */
  sampleHit(): boolean {
    return (++this.tick & 15) === 0;
  }

  hit(namespace: string | undefined, ms?: number, key = ''): void {
    const ns = this.ns(namespace);
    this.total.hits++;
    ns.hits++;
    if (ms !== undefined) {
      this.total.hitLatency.add(ms);
      ns.hitLatency.add(ms);
      this.latencySink?.('namespace', namespace ?? NO_NAMESPACE, 'hit', ms);
    }
    if (this.events.hitsOn) this.events.hit(key, namespace);
  }

  staleHit(namespace: string | undefined, key = ''): void {
    this.total.staleHits++;
    this.ns(namespace).staleHits++;
    if (this.events.observed) this.events.emit({ type: 'stale', key, namespace, at: Date.now() });
  }

  miss(namespace: string | undefined, key: string, ms: number): void {
    const ns = this.ns(namespace);
    this.total.misses++;
    ns.misses++;
    this.total.missLatency.add(ms);
    ns.missLatency.add(ms);
    this.latencySink?.('namespace', namespace ?? NO_NAMESPACE, 'miss', ms);
    this.recordSlow(key, ms);
    if (this.events.observed)
      this.events.emit({ type: 'miss', key, namespace, ms, at: Date.now() });
  }

  /** A loader threw: counted apart from Redis errors, for the loader error-rate alert. */
  loadFailed(namespace: string | undefined, key: string, err: unknown): void {
    this.total.loadErrors++;
    this.ns(namespace).loadErrors++;
    if (this.events.observed) {
      const error = err instanceof Error ? err.message : String(err);
      this.events.emit({ type: 'load-error', key, namespace, error, at: Date.now() });
    }
  }

  /** One invalidation call: counted by kind, and told to the event stream with its result. */
  invalidated(spec: InvalidationSpec, result: InvalidationResult): void {
    if (spec.all) this.invalidationsByKind.all++;
    for (const kind of ['keys', 'tags', 'namespaces', 'patterns'] as const) {
      if (spec[kind]?.length) this.invalidationsByKind[kind]++;
    }
    if (this.events.observed) {
      const count = result.keys + result.tags + result.namespaces + result.patterns;
      this.events.emit({ type: 'invalidation', spec, result, count, at: Date.now() });
    }
  }

  /** A cached route's request; ms is the time the cache took (kept for misses, 1 hit in 16). */
  route(route: string, outcome: RouteOutcome, ms?: number): void {
    let counters = this.byRoute.get(route);
    if (!counters) this.byRoute.set(route, (counters = new Counters()));
    if (outcome === 'hit') counters.hits++;
    else if (outcome === 'stale') counters.staleHits++;
    else if (outcome === 'miss') counters.misses++;
    else counters.errors++;
    if (ms === undefined || outcome === 'error') return;
    if (outcome === 'miss') counters.missLatency.add(ms);
    else if (this.sampleHit()) counters.hitLatency.add(ms);
    else return;
    this.latencySink?.('route', route, outcome === 'miss' ? 'miss' : 'hit', ms);
  }

  load(namespace: string | undefined): void {
    this.total.loads++;
    this.ns(namespace).loads++;
  }

  error(namespace?: string): void {
    this.total.errors++;
    if (namespace !== undefined) this.ns(namespace).errors++;
  }

  invalidation(count = 1, namespace?: string): void {
    this.total.invalidations += count;
    if (namespace !== undefined) this.ns(namespace).invalidations += count;
  }

  /** a value the cache could not store (values/uncacheable.ts) */
  uncacheable(namespace: string | undefined, key: string, reason: string): void {
    this.total.uncacheable++;
    this.ns(namespace).uncacheable++;
    if (this.events.observed) {
      this.events.emit({ type: 'uncacheable', key, namespace, reason, at: Date.now() });
    }
  }

  namespaces(): Record<string, CounterSnapshot> {
    const out: Record<string, CounterSnapshot> = {};
    for (const [name, counters] of this.byNamespace) out[name] = counters.snapshot();
    return out;
  }

  routes(): Record<string, CounterSnapshot> {
    const out: Record<string, CounterSnapshot> = {};
    for (const [name, counters] of this.byRoute) out[name] = counters.snapshot();
    return out;
  }

  slowestMisses(): { key: string; ms: number }[] {
    return [...this.slowest];
  }

  get since(): Date {
    return this.started;
  }

  private ns(namespace: string | undefined): Counters {
    const name = namespace ?? NO_NAMESPACE;
    let counters = this.byNamespace.get(name);
    if (!counters) this.byNamespace.set(name, (counters = new Counters()));
    return counters;
  }

  private recordSlow(key: string, ms: number): void {
    if (this.slowest.length === SLOW_MISSES && ms <= this.slowest[SLOW_MISSES - 1].ms) return;
    this.slowest.push({ key, ms: Math.round(ms * 1000) / 1000 });
    this.slowest.sort((a, b) => b.ms - a.ms);
    if (this.slowest.length > SLOW_MISSES) this.slowest.pop();
  }
}
