import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { clearInterval, setInterval } from 'node:timers';
import { CACHE_OPTIONS } from '../cache.constants';
import { CacheEngine } from '../engine/cache-engine';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { summarize } from '../monitoring/performance-summary';
import { hitRate, type CounterSnapshot } from '../stats/cache-stats';
import { recommendations } from './recommendations';

export interface MinuteSnapshot {
  /** start of the minute, ISO */
  at: string;
  hits: number;
  staleHits: number;
  misses: number;
  errors: number;
  hitRate: number;
  /** true for the minute still running */
  partial?: boolean;
}

const MINUTE_MS = 60_000;
/** one hour of history */
const RING_SIZE = 60;

interface Totals {
  hits: number;
  staleHits: number;
  misses: number;
  errors: number;
}

/**
 * Hit rate over time: once a minute, the difference of the engine's counters since the last
 * minute goes into a ring of 60. Reading counters once a minute costs the hit path nothing.
 */
@Injectable()
export class PerformanceTracker implements OnModuleInit, OnModuleDestroy {
  private readonly ring: MinuteSnapshot[] = [];
  private last: Totals = { hits: 0, staleHits: 0, misses: 0, errors: 0 };
  private lastAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly engine: CacheEngine,
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
  ) {}

  onModuleInit(): void {
    this.last = this.totals();
    this.lastAt = Date.now();
    this.timer = setInterval(() => this.sample(), MINUTE_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Closes the current minute into the ring. */
  sample(): void {
    const now = this.totals();
    this.ring.push(this.delta(now, false));
    if (this.ring.length > RING_SIZE) this.ring.shift();
    this.last = now;
    this.lastAt = Date.now();
  }

  report(): Record<string, unknown> {
    const { stats } = this.engine;
    const overall = stats.total.snapshot();
    const namespaces = stats.namespaces();
    const routes = stats.routes();
    const memory = this.engine.memory;
    const limits = this.options.memory;
    return {
      since: stats.since.toISOString(),
      hitRate: overall.hitRate,
      latencyMs: overall.latencyMs,
      ...summarize(overall, namespaces, routes, this.options.monitoring.hitRateTarget),
      byNamespace: brief(namespaces),
      byRoute: brief(routes),
      overTime: [...this.ring, this.delta(this.totals(), true)],
      slowestMisses: stats.slowestMisses(),
      recommendations: recommendations({
        overall,
        namespaces,
        circuit: this.engine.redis.circuit,
        memoryTier:
          memory && limits
            ? {
                entries: memory.size,
                bytes: memory.bytes,
                maxEntries: limits.maxEntries,
                maxBytes: limits.maxBytes,
              }
            : null,
        slowestMisses: stats.slowestMisses(),
      }),
    };
  }

  private totals(): Totals {
    const { hits, staleHits, misses, errors } = this.engine.stats.total;
    return { hits, staleHits, misses, errors };
  }

  private delta(now: Totals, partial: boolean): MinuteSnapshot {
    const hits = now.hits - this.last.hits;
    const staleHits = now.staleHits - this.last.staleHits;
    const misses = now.misses - this.last.misses;
    const snapshot: MinuteSnapshot = {
      at: new Date(this.lastAt).toISOString(),
      hits,
      staleHits,
      misses,
      errors: now.errors - this.last.errors,
      hitRate: hitRate(hits, staleHits, misses),
    };
    if (partial) snapshot.partial = true;
    return snapshot;
  }
}

function brief(counters: Record<string, CounterSnapshot>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(counters).map(([name, c]) => [
      name,
      {
        hitRate: c.hitRate,
        hits: c.hits,
        staleHits: c.staleHits,
        misses: c.misses,
        errors: c.errors,
        latencyMs: c.latencyMs,
      },
    ]),
  );
}
