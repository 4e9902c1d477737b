import { LatencyWindow } from './latency-window';

export interface CounterSnapshot {
  hits: number;
  misses: number;
  staleHits: number;
  hitRate: number;
  loads: number;
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
      errors: this.errors,
      invalidations: this.invalidations,
      uncacheable: this.uncacheable,
      latencyMs: { hit: this.hitLatency.percentiles(), miss: this.missLatency.percentiles() },
    };
  }
}

const NO_NAMESPACE = '(none)';
const SLOW_MISSES = 20;

/**
 * Counters overall and per namespace. Plain numbers on the hot path; prom-client and the admin
 * API read them when asked, so a hit costs two increments, not a histogram update.
 */
export class CacheStats {
  readonly total = new Counters();
  private readonly byNamespace = new Map<string, Counters>();
  private readonly slowest: { key: string; ms: number }[] = [];
  private readonly started = new Date();
  private tick = 0;

  /** true for one call in 16: latency is sampled, so timing does not slow every hit */
  sampleHit(): boolean {
    return (++this.tick & 15) === 0;
  }

  hit(namespace: string | undefined, ms?: number): void {
    const ns = this.ns(namespace);
    this.total.hits++;
    ns.hits++;
    if (ms !== undefined) {
      this.total.hitLatency.add(ms);
      ns.hitLatency.add(ms);
    }
  }

  staleHit(namespace: string | undefined): void {
    this.total.staleHits++;
    this.ns(namespace).staleHits++;
  }

  miss(namespace: string | undefined, key: string, ms: number): void {
    const ns = this.ns(namespace);
    this.total.misses++;
    ns.misses++;
    this.total.missLatency.add(ms);
    ns.missLatency.add(ms);
    this.recordSlow(key, ms);
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

  uncacheable(namespace: string | undefined): void {
    this.total.uncacheable++;
    this.ns(namespace).uncacheable++;
  }

  namespaces(): Record<string, CounterSnapshot> {
    const out: Record<string, CounterSnapshot> = {};
    for (const [name, counters] of this.byNamespace) out[name] = counters.snapshot();
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
