import { Logger } from '@nestjs/common';
import type { BusMessage, InvalidationBus } from '../bus/invalidation-bus';
import type { CacheStats } from '../stats/cache-stats';
import type { Flights, InvalidationScope } from './flights';
import { assertGlob, globToRegExp } from './glob';
import type { KeyLayout } from './key-layout';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisTier } from './redis-tier';

export interface InvalidationSpec {
  keys?: string[];
  tags?: string[];
  namespaces?: string[];
  patterns?: string[];
  all?: boolean;
}

export interface InvalidationResult {
  keys: number;
  tags: number;
  namespaces: number;
  patterns: number;
}

/** Invalidations that could not reach Redis, replayed when it is back; past this, clear instead. */
const MAX_PENDING = 1_000;

/**
 * One invalidation, everywhere: this instance's memory tier and in-flight loads at once, then
 * Redis (whose script also tells the other instances). What cannot reach Redis is replayed when
 * it comes back, so a value invalidated during an outage does not reappear after it.
 */
export class Invalidator {
  /** bumped by every invalidation seen here; a read that spans a change does not fill memory */
  epoch = 0;
  private pending: InvalidationSpec[] = [];
  private overflowed = false;
  private readonly logger = new Logger('CacheInvalidation');

  constructor(
    private readonly memory: MemoryTier | null,
    private readonly flights: Flights,
    private readonly redis: RedisTier,
    private readonly layout: KeyLayout,
    private readonly stats: CacheStats,
    private bus: InvalidationBus | null = null,
  ) {}

  attachBus(bus: InvalidationBus): void {
    this.bus = bus;
  }

  async invalidate(spec: InvalidationSpec): Promise<InvalidationResult> {
    spec.patterns?.forEach(assertGlob);
    const local = this.applyLocal(spec);
    const remote = this.redis.configured ? await this.toRedis(spec) : UNAVAILABLE;
    if (remote === UNAVAILABLE && this.redis.configured) this.defer(spec);
    const result = remote === UNAVAILABLE ? local : remote;
    const total = result.keys + result.tags + result.namespaces + result.patterns;
    for (const ns of spec.namespaces ?? []) this.stats.invalidation(0, ns);
    this.stats.invalidation(total);
    return result;
  }

  /** A message from another instance. */
  onBusMessage(message: BusMessage): void {
    this.applyLocal({ keys: message.k, tags: message.t, namespaces: message.n, patterns: message.p, all: message.c === 1 });
  }

  /** Drops what the spec names from this instance: memory entries and in-flight loads. */
  applyLocal(spec: InvalidationSpec): InvalidationResult {
    this.epoch++;
    const patterns = spec.patterns?.map(globToRegExp);
    const scope: InvalidationScope = { ...spec, patterns };
    this.flights.invalidate(scope);
    const result = { keys: 0, tags: 0, namespaces: 0, patterns: 0 };
    const memory = this.memory;
    if (!memory) return result;
    if (spec.all) {
      result.patterns = memory.size;
      memory.clear();
      return result;
    }
    for (const key of spec.keys ?? []) if (memory.delete(key)) result.keys++;
    for (const tag of spec.tags ?? []) result.tags += memory.deleteTag(tag);
    for (const ns of spec.namespaces ?? []) result.namespaces += memory.deleteNamespace(ns);
    for (const pattern of patterns ?? []) result.patterns += memory.deleteMatching(pattern);
    return result;
  }

  /** Redis is back: replay what it missed, in order. */
  async replayPending(): Promise<void> {
    if (this.overflowed) {
      this.logger.warn('too many invalidations were missed during the Redis outage: clearing the cache');
      this.overflowed = false;
      this.pending = [];
      if ((await this.toRedis({ all: true })) === UNAVAILABLE) this.defer({ all: true });
      return;
    }
    while (this.pending.length > 0) {
      const spec = this.pending[0];
      if ((await this.toRedis(spec)) === UNAVAILABLE) return; // down again: keep the rest
      this.pending.shift();
    }
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  private defer(spec: InvalidationSpec): void {
    if (this.pending.length >= MAX_PENDING) this.overflowed = true;
    else this.pending.push(spec);
  }

  private async toRedis(spec: InvalidationSpec): Promise<InvalidationResult | typeof UNAVAILABLE> {
    const message = (fields: Omit<BusMessage, 'o'>) => this.bus?.encode(fields) ?? '';
    if (spec.all) {
      const deleted = await this.redis.sweep(this.layout.clearPatterns(), message({ c: 1 }));
      return deleted === UNAVAILABLE ? UNAVAILABLE : { keys: 0, tags: 0, namespaces: 0, patterns: deleted };
    }
    const result = { keys: 0, tags: 0, namespaces: 0, patterns: 0 };
    const { keys = [], tags = [], namespaces = [], patterns = [] } = spec;
    if (keys.length + tags.length + namespaces.length > 0) {
      const counts = await this.redis.invalidate(keys, tags, namespaces, message({ k: keys, t: tags, n: namespaces }));
      if (counts === UNAVAILABLE) return UNAVAILABLE;
      Object.assign(result, counts);
    }
    if (patterns.length > 0) {
      const deleted = await this.redis.sweep(patterns.map((p) => this.layout.dataPattern(p)), message({ p: patterns }));
      if (deleted === UNAVAILABLE) return UNAVAILABLE;
      result.patterns = deleted;
    }
    return result;
  }
}
