import { Logger } from '@nestjs/common';
import type { CacheStats } from '../stats/cache-stats';
import type { EntryPolicy } from './entry-policy';
import type { Invalidator } from './invalidator';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisTier } from './redis-tier';
import { inflated, isCompressed, type Envelope, type Serializer } from './serializer';

export interface ReaderParts {
  memory: MemoryTier | null;
  redis: RedisTier;
  serializer: Serializer;
  policy: EntryPolicy;
  stats: CacheStats;
  invalidator: Invalidator;
}

export interface Lookup<T> {
  found: (Envelope<T> | undefined)[];
  /** Redis answered */
  reached: boolean;
}

/**
 * Reads below the hit path: the memory tier (trusted or not), Redis in one round trip, decoding,
 * and memory's copy as the fallback when Redis is unusable. Shared by get, mget and the loader.
 */
export class Reader {
  /** false while the bus is down: memory may have missed invalidations, so Redis is asked */
  trusted: boolean;
  private readonly logger = new Logger('CacheEngine');

  constructor(private readonly parts: ReaderParts) {
    this.trusted = !parts.redis.configured;
  }

  /** Memory entry usable right now (fresh or stale), or undefined. The hit path: keep it lean. */
  peek(key: string): Envelope | undefined {
    return this.trusted && this.parts.memory !== null ? this.parts.memory.get(key) : undefined;
  }

  /**
   * Entries from Redis in one round trip, filling memory unless an invalidation came meanwhile.
   * With Redis unusable, or still behind on invalidations made during an outage (it may hold
   * what they removed), memory's copies serve instead.
   */
  async lookup<T>(keys: string[]): Promise<Lookup<T>> {
    const { redis, invalidator } = this.parts;
    const epoch = invalidator.epoch;
    let raws: (string | null)[] | typeof UNAVAILABLE = UNAVAILABLE;
    if (invalidator.redisBehind()) raws = UNAVAILABLE;
    else if (keys.length > 1) raws = await redis.mget(keys);
    else {
      // one key, the common case: a plain GET, the cheapest command there is
      const raw = await redis.get(keys[0]);
      if (raw !== UNAVAILABLE) raws = [raw];
    }
    if (raws === UNAVAILABLE) {
      return { found: keys.map((key) => this.fallback<T>(key)), reached: false };
    }
    // compressed payloads are inflated on the thread pool, off the event loop
    if (raws.some(isCompressed)) raws = await Promise.all(raws.map(inflated));
    const found = raws.map((raw, i) =>
      raw === null ? undefined : this.decode<T>(keys[i], raw, epoch),
    );
    return { found, reached: true };
  }

  /** A stored payload, decoded; a payload that fails to decode is a miss and is deleted. */
  decode<T>(key: string, raw: string, epoch?: number): Envelope<T> | undefined {
    const { serializer, stats, policy, redis, invalidator, memory } = this.parts;
    let envelope: Envelope<T>;
    try {
      envelope = serializer.decode<T>(raw);
    } catch (err) {
      stats.error(policy.namespaceOf(key, undefined));
      this.logger.warn(`dropped undecodable entry "${key}": ${(err as Error).message}`);
      void redis.remove(key);
      return undefined;
    }
    // fill memory only if no invalidation happened while Redis was being read
    if (epoch !== undefined && epoch === invalidator.epoch && memory) memory.set(key, envelope);
    return envelope;
  }

  /** With Redis unusable, memory serves even while untrusted: better than nothing. */
  fallback<T>(key: string): Envelope<T> | undefined {
    return this.parts.memory?.get(key) as Envelope<T> | undefined;
  }
}
