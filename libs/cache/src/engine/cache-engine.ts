import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { InvalidationBus } from '../bus/invalidation-bus';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { RedisService } from '../redis/redis.service';
import { CacheStats } from '../stats/cache-stats';
import { coarseNow } from './clock';
import type { UncacheableReporter } from '../values/uncacheable';
import { composeEngine } from './engine-parts';
import { EngineLifecycle } from './lifecycle';
import {
  entryOptionsOf,
  type EntryOptions,
  type EntryOptionsArg,
  type EntryPolicy,
} from './entry-policy';
import type { Flight, Flights, Outcome } from './flights';
import type { Invalidator } from './invalidator';
import type { KeyLayout } from './key-layout';
import type { Loader } from './loader';
import type { MemoryTier } from './memory-tier';
import type { Reader } from './reader';
import type { Reaper } from './reaper';
import type { RedisKeyspace } from './redis-keyspace';
import type { RedisTier } from './redis-tier';
import type { Envelope, Serializer } from './serializer';
import type { MsetEntry, Writer } from './writer';

/**
 * The one cache engine: `CacheService`, `@Cached` methods and cached routes all come here.
 * Reads go memory → Redis → loader; writes go Redis → memory; invalidations go through the
 * Invalidator. Redis failures never reach callers: the Redis tier reports them as UNAVAILABLE.
 */
@Injectable()
export class CacheEngine implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  readonly stats = new CacheStats();
  readonly layout: KeyLayout;
  readonly memory: MemoryTier | null;
  readonly redisTier: RedisTier;
  readonly keyspace: RedisKeyspace;
  readonly reaper: Reaper;
  readonly policy: EntryPolicy;
  readonly serializer: Serializer;
  readonly uncacheable: UncacheableReporter;
  readonly invalidator: Invalidator;
  readonly bus: InvalidationBus | null;
  private readonly flights: Flights;
  /** reads below the hit path; the admin API inspects and lists keys through it */
  readonly reader: Reader;
  private readonly loader: Loader;
  private readonly writer: Writer;
  private readonly lifecycle: EngineLifecycle;

  constructor(
    @Inject(CACHE_OPTIONS) readonly options: ResolvedCacheOptions,
    readonly redis: RedisService,
  ) {
    const parts = composeEngine({
      options,
      redis,
      stats: this.stats,
      instanceId: this.instanceId,
      onBusHealth: (healthy) => this.lifecycle.busHealth(healthy),
    });
    this.layout = parts.layout;
    this.memory = parts.memory;
    this.redisTier = parts.redisTier;
    this.keyspace = parts.keyspace;
    this.reaper = parts.reaper;
    this.policy = parts.policy;
    this.serializer = parts.serializer;
    this.uncacheable = parts.uncacheable;
    this.invalidator = parts.invalidator;
    this.bus = parts.bus;
    this.flights = parts.flights;
    this.reader = parts.reader;
    this.loader = parts.loader;
    this.writer = parts.writer;
    this.lifecycle = new EngineLifecycle(parts, options, redis);
  }

  onModuleInit(): Promise<void> {
    return this.lifecycle.start();
  }

  onApplicationShutdown(): void {
    this.lifecycle.stop();
  }

  /** Memory entry usable right now (fresh or stale), or undefined. */
  peekMemory(key: string): Envelope | undefined {
    return this.reader.peek(key);
  }

  /**
   * The hit path of getOrSet, fetch and so of @Cached methods and routes: memory's entry for the
   * key, counted as a hit when fresh (`isFresh`); a stale one goes on to `miss`. Synchronous,
   * allocation-free and timer-free (coarse clock), so a hit costs one lookup. One call in 16 is
   * timed for the hit-latency percentiles; the others pay a counter.
   */
  probe<T>(key: string): Envelope<T> | undefined {
    const started = this.stats.sampleHit() ? performance.now() : 0;
    const entry = this.reader.peek(key) as Envelope<T> | undefined;
    if (entry !== undefined && coarseNow() < entry.e) {
      this.stats.hit(entry.n, started === 0 ? undefined : performance.now() - started, key);
    }
    return entry;
  }

  getOrSet<T>(key: string, load: () => T | Promise<T>, opts: EntryOptionsArg<T> = {}): Promise<T> {
    const entry = this.probe<T>(key);
    if (isFresh(entry)) return Promise.resolve(entry.v);
    return this.miss(key, load, opts, entry).then(valueOf);
  }

  /** getOrSet, telling where the value came from (for X-Cache headers). */
  fetch<T>(
    key: string,
    load: () => T | Promise<T>,
    opts: EntryOptionsArg<T> = {},
  ): Promise<Outcome<T>> {
    const entry = this.probe<T>(key);
    if (isFresh(entry))
      return Promise.resolve({ value: entry.v, source: 'memory', envelope: entry });
    return this.miss(key, load, opts, entry);
  }

  /**
   * What follows a probe that found no fresh entry (`entry`: what memory holds, if anything):
   * an entry within stale-while-revalidate is served while one refresh runs; else the loader's
   * single flight. Options are built here, on a miss only.
   */
  miss<T>(
    key: string,
    load: () => T | Promise<T>,
    optsArg: EntryOptionsArg<T>,
    entry: Envelope<T> | undefined,
  ): Promise<Outcome<T>> {
    const opts = entryOptionsOf(optsArg);
    if (entry !== undefined && Date.now() < entry.s) {
      this.stats.staleHit(entry.n, key);
      this.loader.refresh(key, load, opts);
      return Promise.resolve({ value: entry.v, source: 'stale', envelope: entry });
    }
    return this.loader.join(key, load, opts, entry);
  }

  /** A sync method's cache: the memory tier only, and the method stays sync. */
  getOrSetSync<T>(key: string, load: () => T, optsArg: EntryOptionsArg<T> = {}): T {
    const now = Date.now();
    const hit = this.memory?.get(key) as Envelope<T> | undefined;
    if (hit !== undefined && now < hit.e) {
      this.stats.hit(hit.n, undefined, key);
      return hit.v;
    }
    const started = performance.now();
    const value = load();
    const opts = entryOptionsOf(optsArg);
    const envelope = this.policy.envelope(key, value, opts, now);
    this.stats.miss(envelope?.n, key, performance.now() - started);
    if (!envelope || !this.memory) return value;
    // memory holds (and the caller gets) what decoding would give; uncacheable: the value itself
    try {
      const { envelope: stored } = this.serializer.prepareSync(key, envelope, opts);
      this.memory.set(key, stored);
      return stored.v;
    } catch (err) {
      if (!this.uncacheable.handle(err, { family: opts.family, namespace: envelope.n })) throw err;
      return value;
    }
  }

  async get<T>(key: string): Promise<T | undefined> {
    return (await this.read<T>(key))?.v;
  }

  /** The fresh entry for a key from memory or Redis, or undefined; `count` = record in stats. */
  async read<T>(key: string, count = true): Promise<Envelope<T> | undefined> {
    const now = Date.now();
    const hit = this.reader.peek(key) as Envelope<T> | undefined;
    if (hit !== undefined && now < hit.e) {
      if (count) this.stats.hit(hit.n, undefined, key);
      return hit;
    }
    const [envelope] = (await this.reader.lookup<T>([key])).found;
    if (envelope !== undefined && Date.now() < envelope.e) {
      if (count) this.stats.hit(envelope.n, undefined, key);
      return envelope;
    }
    if (count) this.stats.miss(this.policy.namespaceOf(key, undefined), key, 0);
    return undefined;
  }

  async set<T>(key: string, value: T, opts: EntryOptions<T> = {}): Promise<void> {
    await this.mset([{ ...(opts as EntryOptions), key, value }]);
  }

  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    const now = Date.now();
    const out: (T | undefined)[] = keys.map((k) => {
      const hit = this.reader.peek(k);
      return hit !== undefined && now < hit.e ? (hit.v as T) : undefined;
    });
    const missing = keys.map((k, i) => (out[i] === undefined ? i : -1)).filter((i) => i >= 0);
    if (missing.length === 0 || !this.redisTier.configured) return out;
    const { found } = await this.reader.lookup<T>(missing.map((i) => keys[i]));
    missing.forEach((index, j) => {
      const envelope = found[j];
      if (envelope !== undefined && Date.now() < envelope.e) out[index] = envelope.v;
    });
    return out;
  }

  /** Writes entries (one round trip); an explicit write supersedes loads of those keys in flight. */
  mset(entries: MsetEntry[]): Promise<void> {
    return this.writer.mset(entries);
  }

  async delete(...keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    return (await this.invalidator.invalidate({ keys })).keys;
  }

  /** Seconds left before the entry goes stale, or null. */
  async ttl(key: string): Promise<number | null> {
    const envelope = await this.read(key, false);
    return envelope === undefined ? null : Math.max(0, Math.ceil((envelope.e - Date.now()) / 1000));
  }

  /** The current flight for a key, for tests and debugging. */
  flight(key: string): Flight | undefined {
    return this.flights.get(key);
  }
}

function valueOf<T>(outcome: Outcome<T>): T {
  return outcome.value;
}

/** A probed entry that is a hit (coarse clock, as the probe counted it). */
export function isFresh<T>(entry: Envelope<T> | undefined): entry is Envelope<T> {
  return entry !== undefined && coarseNow() < entry.e;
}
