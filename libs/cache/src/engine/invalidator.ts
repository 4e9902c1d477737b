import { Logger } from '@nestjs/common';
import type { BusMessage, InvalidationBus } from '../bus/invalidation-bus';
import type { CacheStats } from '../stats/cache-stats';
import type { Flights, InvalidationScope } from './flights';
import { assertGlob, globToRegExp } from './glob';
import type { Ledger } from './ledger';
import { markerFields } from './markers';
import type { MemoryTier } from './memory-tier';
import { PendingInvalidations } from './pending-invalidations';
import type { Reaper } from './reaper';
import type { RedisKeyspace } from './redis-keyspace';
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

export interface InvalidatorParts {
  memory: MemoryTier | null;
  flights: Flights;
  redis: RedisTier;
  keyspace: RedisKeyspace;
  ledger: Ledger;
  reaper: Reaper;
  stats: CacheStats;
}

/**
 * One invalidation, everywhere: this instance's memory tier and in-flight loads at once, then
 * Redis (whose script also tells the other instances). In Redis, tags, namespaces and clear()
 * set a marker (O(1), whatever they cover: entries older than it read as absent, the reaper
 * deletes them later); keys get tombstones; globs are swept (SCAN, the slow path). What cannot
 * reach Redis is replayed when it comes back, so a value invalidated during an outage does not
 * reappear after it.
 */
export class Invalidator {
  /** bumped by every invalidation seen here; a read that spans a change does not fill memory */
  epoch = 0;
  /** pause between replay attempts while invalidations are pending (the engine sets the breaker's) */
  retryMs = 1_000;
  private readonly pending = new PendingInvalidations();
  private replaying: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly logger = new Logger('CacheInvalidation');

  private readonly memory: MemoryTier | null;
  private readonly flights: Flights;
  private readonly redis: RedisTier;
  private readonly stats: CacheStats;
  private bus: InvalidationBus | null = null;

  constructor(private readonly parts: InvalidatorParts) {
    ({ memory: this.memory, flights: this.flights, redis: this.redis, stats: this.stats } = parts);
  }

  attachBus(bus: InvalidationBus): void {
    this.bus = bus;
  }

  async invalidate(spec: InvalidationSpec): Promise<InvalidationResult> {
    spec.patterns?.forEach(assertGlob);
    const local = this.applyLocal(spec);
    const remote = this.redis.configured ? await this.toRedis(spec) : UNAVAILABLE;
    if (remote === UNAVAILABLE && this.redis.configured) this.defer(spec);
    // entries a marker invalidated in Redis are not counted: those dropped from memory here are
    const result =
      remote === UNAVAILABLE
        ? local
        : {
            ...remote,
            tags: local.tags,
            namespaces: local.namespaces,
            patterns: spec.all ? local.patterns : remote.patterns,
          };
    const total = result.keys + result.tags + result.namespaces + result.patterns;
    // the entries a namespace's invalidation removed count for that namespace too (with several
    // named at once, Redis reports one sum, which counts overall only)
    const single = spec.namespaces?.length === 1 ? spec.namespaces[0] : undefined;
    if (single !== undefined) this.stats.invalidation(result.namespaces, single);
    this.stats.invalidation(single !== undefined ? total - result.namespaces : total);
    this.stats.invalidated(spec, result);
    return result;
  }

  /** A message from another instance. */
  onBusMessage(message: BusMessage): void {
    const seq = message.s ?? NaN;
    if (message.r === 1) return this.parts.reaper.passedElsewhere(seq, message.x ?? 0);
    const spec = {
      keys: message.k,
      tags: message.t,
      namespaces: message.n,
      patterns: message.p,
      all: message.c === 1,
    };
    if (Number.isSafeInteger(seq)) this.mark(spec, seq);
    this.applyLocal(spec, seq);
  }

  /** Records an invalidation's markers here; the reader judges entries against them from now on. */
  private mark(spec: InvalidationSpec, seq: number): void {
    if (markerFields(spec).length === 0) return;
    this.parts.ledger.markers.applySpec(spec, seq);
    this.epoch++; // a read under way may have fetched what the markers now invalidate
    this.parts.reaper.poke();
  }

  /**
   * Drops what the spec names from this instance: memory entries and in-flight loads (those that
   * read the ledger before `seq`, when the invalidation's seq is known).
   */
  applyLocal(spec: InvalidationSpec, seq?: number): InvalidationResult {
    this.epoch++;
    const patterns = spec.patterns?.map(globToRegExp);
    const scope: InvalidationScope = { ...spec, patterns };
    this.flights.invalidate(scope, Number.isFinite(seq) ? seq : undefined);
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

  /**
   * Redis is back: replay what it missed. Concurrent calls share one replay; on failure the
   * invalidations stay pending and another attempt is scheduled.
   */
  replayPending(): Promise<void> {
    if (this.replaying) return this.replaying;
    if (this.pendingCount === 0) return Promise.resolve();
    this.replaying = this.replay().finally(() => (this.replaying = null));
    return this.replaying;
  }

  get pendingCount(): number {
    return this.pending.count;
  }

  /**
   * Redis may still hold entries invalidated while it was unreachable: true until the replay has
   * gone through, and reads must not use Redis meanwhile (they fall back to memory). Starts the
   * replay when Redis looks usable.
   */
  redisBehind(): boolean {
    if (this.replaying) return true;
    if (this.pendingCount === 0) return false;
    if (this.redis.usable) void this.replayPending();
    return true;
  }

  /** Keeps an invalidation that could not reach Redis, for the replay. */
  defer(spec: InvalidationSpec): void {
    this.pending.add(spec);
    this.scheduleRetry();
  }

  /** No more replay attempts (shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private async replay(): Promise<void> {
    const { overflowed } = this.pending;
    const replayed = this.pending.take();
    if (replayed.all && overflowed) {
      this.logger.warn(
        'too many invalidations were missed during the Redis outage: clearing the cache',
      );
    }
    const outcome = await this.toRedis(replayed).catch(() => UNAVAILABLE);
    if (outcome === UNAVAILABLE) {
      this.defer(replayed); // down again: keep it (merged with what came meanwhile)
      return;
    }
    if (replayed.all) this.pending.overflowed = false;
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.stopped) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.pendingCount > 0) void this.replayPending();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private async toRedis(spec: InvalidationSpec): Promise<InvalidationResult | typeof UNAVAILABLE> {
    const { redis, keyspace } = this.parts;
    const message = (fields: Omit<BusMessage, 'o'>) => this.bus?.encode(fields) ?? '';
    const { keys = [], tags = [], namespaces = [], patterns = [] } = spec;
    // markers (and the counter) first, in one step; the others are told at once, except of
    // globs, which are told once their sweep is done
    const announced: Omit<BusMessage, 'o'> = spec.all ? { c: 1 } : { t: tags, n: namespaces };
    const marked = spec.all || tags.length + namespaces.length > 0;
    const seq = await redis.mark(markerFields(spec), marked ? message(announced) : '');
    if (seq === UNAVAILABLE) return UNAVAILABLE;
    // their entries are not counted: the markers made them unreadable without touching them
    const result = { keys: 0, tags: 0, namespaces: 0, patterns: 0 };
    if (keys.length > 0) {
      const deleted = await redis.tombstone(keys, seq, (k) => message({ k: [k] }));
      if (deleted === UNAVAILABLE) return UNAVAILABLE;
      result.keys = deleted;
    }
    if (patterns.length > 0) {
      // counted: the entries that were readable (before this invalidation's own markers)
      const { markers } = this.parts.ledger;
      const deleted = await keyspace.sweep(
        patterns,
        ({ key, header }) =>
          !!header && !markers.invalidates(key, header.stamp, header.namespace, header.tags),
      );
      if (deleted === UNAVAILABLE) return UNAVAILABLE;
      result.patterns = deleted;
      await redis.publish(seq, message({ p: patterns }));
    }
    this.mark(spec, seq);
    return result;
  }
}
