import { Logger } from '@nestjs/common';
import type { CacheStats } from '../stats/cache-stats';
import type { EntryPolicy } from './entry-policy';
import type { Invalidator } from './invalidator';
import type { Ledger } from './ledger';
import { heapSizeInTurns } from './heap-size';
import type { MemoryTier } from './memory-tier';
import type { RedisKeyspace } from './redis-keyspace';
import { UNAVAILABLE, type Maybe, type RedisTier } from './redis-tier';
import { readInTurns } from './payload';
import type { Envelope, Serializer } from './serializer';
import { unframe } from './stored-entry';

export interface ReaderParts {
  memory: MemoryTier | null;
  redis: RedisTier;
  serializer: Serializer;
  policy: EntryPolicy;
  stats: CacheStats;
  invalidator: Invalidator;
  ledger: Ledger;
  keyspace: RedisKeyspace;
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
    const { invalidator } = this.parts;
    const epoch = invalidator.epoch;
    let raws: (string | null)[] | typeof UNAVAILABLE = UNAVAILABLE;
    if (!invalidator.redisBehind()) {
      const read = this.read(keys);
      // the copy of the markers may lack invalidations (the bus is down, or just back): it is
      // loaded alongside, so that the entries are judged on what Redis knew when they were read
      if (this.parts.ledger.current || (await this.parts.ledger.sync())) raws = await read;
    }
    if (raws === UNAVAILABLE) {
      return { found: keys.map((key) => this.fallback<T>(key)), reached: false };
    }
    const entries = raws.map((raw, i) =>
      raw === null ? undefined : this.entry<T>(keys[i], raw, epoch),
    );
    // awaited only where a payload is being inflated: a plain hit stays one round trip and no more
    const found = entries.some((e) => e instanceof Promise) ? await Promise.all(entries) : entries;
    return { found: found as (Envelope<T> | undefined)[], reached: true };
  }

  /**
   * A stored value judged and decoded: undefined for a tombstone, an entry a marker invalidated,
   * or a payload that fails to decode (a miss, and deleted). `epoch` given: fills memory unless
   * an invalidation happened since it was taken.
   */
  entry<T>(
    key: string,
    raw: string,
    epoch?: number,
  ): Envelope<T> | undefined | Promise<Envelope<T> | undefined> {
    const framed = unframe(raw);
    if (framed?.tombstone) return undefined;
    if (!framed) return this.undecodable(key, new Error('not an entry of this layout'));
    // compressed payloads are inflated on the thread pool, long arrays parsed a slice per turn
    if (readInTurns(framed.payload)) {
      return this.parts.serializer.decodeInTurns<T>(framed.payload).then(
        async (envelope) => {
          // measured for memory's byte limit in steps too (before judging: markers may come)
          const fills = epoch !== undefined && this.parts.memory !== null;
          const size = fills ? await heapSizeInTurns(envelope.v) : undefined;
          return this.judged(key, framed.stamp, envelope, epoch, size);
        },
        (err: Error) => this.undecodable(key, err),
      );
    }
    let envelope: Envelope<T>;
    try {
      envelope = this.parts.serializer.decode<T>(framed.payload);
    } catch (err) {
      return this.undecodable(key, err as Error);
    }
    return this.judged(key, framed.stamp, envelope, epoch);
  }

  /** What Redis holds for a key (no memory fill), and its size: for the admin API. */
  async stored(key: string): Promise<Maybe<{ envelope?: Envelope; bytes: number } | null>> {
    const raw = await this.parts.redis.get(key);
    if (raw === UNAVAILABLE || raw === null) return raw;
    if (!(await this.judgeable())) return UNAVAILABLE;
    return { envelope: await this.entry(key, raw), bytes: Buffer.byteLength(raw) };
  }

  /**
   * One page of readable keys for the admin API: a SCAN step on one master (cursor
   * `<node>:<redis cursor>`), without tombstones and entries a marker invalidated.
   */
  async page(
    glob: string,
    cursor: string,
    count: number,
  ): Promise<Maybe<{ keys: string[]; cursor: string }>> {
    const { keyspace, ledger } = this.parts;
    const [nodeText, redisCursor] = cursor.split(':');
    let node = Number(nodeText);
    const masters = keyspace.masters();
    const step = await keyspace.scanStep(masters[node], redisCursor, count, glob);
    if (step === UNAVAILABLE || !(await this.judgeable())) return UNAVAILABLE;
    const keys = step.entries
      .filter(({ key, header }) => {
        if (!header) return false;
        return !ledger.markers.invalidates(key, header.stamp, header.namespace, header.tags);
      })
      .map((e) => e.key);
    let next = `${node}:${step.next}`;
    if (step.next === '0') next = ++node < masters.length ? `${node}:0` : '0';
    return { keys, cursor: next };
  }

  /** Are the markers fit to judge entries? (loaded now if the bus may have missed some) */
  private async judgeable(): Promise<boolean> {
    return this.parts.ledger.current || this.parts.ledger.sync();
  }

  private read(keys: string[]): Promise<(string | null)[] | typeof UNAVAILABLE> {
    const { redis } = this.parts;
    // one key, the common case: a plain GET, the cheapest command there is
    if (keys.length > 1) return redis.mget(keys);
    return redis.get(keys[0]).then((raw) => (raw === UNAVAILABLE ? raw : [raw]));
  }

  /** A decoded entry, unless a marker invalidated it; fills memory as entry() says. */
  private judged<T>(
    key: string,
    stamp: number,
    envelope: Envelope<T>,
    epoch: number | undefined,
    size?: number,
  ): Envelope<T> | undefined {
    const { invalidator, memory, ledger } = this.parts;
    if (ledger.markers.invalidates(key, stamp, envelope.n, envelope.t)) return undefined;
    // fill memory only if no invalidation happened while Redis was being read
    if (epoch !== undefined && epoch === invalidator.epoch && memory)
      memory.set(key, envelope, size);
    return envelope;
  }

  private undecodable(key: string, err: Error): undefined {
    const { stats, policy, redis } = this.parts;
    stats.error(policy.namespaceOf(key, undefined));
    this.logger.warn(`dropped undecodable entry "${key}": ${err.message}`);
    void redis.remove(key);
    return undefined;
  }

  /** With Redis unusable, memory serves even while untrusted: better than nothing. */
  fallback<T>(key: string): Envelope<T> | undefined {
    return this.parts.memory?.get(key) as Envelope<T> | undefined;
  }
}
