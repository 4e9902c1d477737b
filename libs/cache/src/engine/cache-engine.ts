import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InvalidationBus } from '../bus/invalidation-bus';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { RedisService } from '../redis/redis.service';
import { CacheStats } from '../stats/cache-stats';
import { coarseNow } from './clock';
import {
  EntryPolicy,
  entryOptionsOf,
  GUARD_WINDOW_MS,
  type EntryOptions,
  type EntryOptionsArg,
} from './entry-policy';
import { Flights, type Flight, type Outcome } from './flights';
import { Invalidator } from './invalidator';
import { KeyLayout } from './key-layout';
import { Loader } from './loader';
import { Writer } from './writer';
import { MemoryTier } from './memory-tier';
import { RedisTier, UNAVAILABLE } from './redis-tier';
import { inflated, isCompressed, Serializer, type Envelope } from './serializer';
import { UncacheableReporter } from '../values/uncacheable';
import { ValueFormats } from '../values/value-format';

export interface MsetEntry<T = unknown> extends Omit<EntryOptions<T>, 'unless'> {
  key: string;
  value: T;
}

/**
 * The one cache engine: `CacheService`, `@Cached` methods and cached routes all come here.
 * Reads go memory → Redis → loader; writes go Redis → memory; invalidations go through the
 * Invalidator. Redis failures never reach callers: the Redis tier reports them as UNAVAILABLE.
 */
@Injectable()
export class CacheEngine implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  readonly layout: KeyLayout;
  readonly memory: MemoryTier | null;
  readonly redisTier: RedisTier;
  readonly stats = new CacheStats();
  readonly policy: EntryPolicy;
  readonly serializer: Serializer;
  readonly uncacheable = new UncacheableReporter(this.stats); // issue 13
  readonly flights = new Flights();
  readonly invalidator: Invalidator;
  readonly bus: InvalidationBus | null = null;
  private readonly loader: Loader;
  private readonly writer: Writer;
  private readonly logger = new Logger('CacheEngine');
  /** false while the bus is down: memory may have missed invalidations, so Redis is asked */
  private memoryTrusted: boolean;

  constructor(
    @Inject(CACHE_OPTIONS) readonly options: ResolvedCacheOptions,
    readonly redis: RedisService,
  ) {
    this.layout = new KeyLayout(options.keyPrefix);
    this.memory = options.memory ? new MemoryTier(options.memory) : null;
    // issue 13: values larger than maxValueBytes are not cached; a module-level format
    this.serializer = new Serializer(
      options.compressThreshold,
      options.maxValueBytes,
      new ValueFormats(options.serializer),
    );
    this.policy = new EntryPolicy(options);
    this.redisTier = new RedisTier(
      redis,
      this.layout,
      GUARD_WINDOW_MS,
      options.resilience.commandTimeoutMs,
      () => this.stats.error(),
    );
    this.invalidator = new Invalidator(
      this.memory,
      this.flights,
      this.redisTier,
      this.layout,
      this.stats,
    );
    this.memoryTrusted = !this.redisTier.configured;
    if (this.redisTier.configured && this.memory) {
      this.bus = new InvalidationBus(
        redis,
        this.layout.channel,
        this.instanceId,
        (message) => this.invalidator.onBusMessage(message),
        (healthy) => this.onBusHealth(healthy),
      );
      this.invalidator.attachBus(this.bus);
    }
    this.loader = new Loader(this);
    this.writer = new Writer(this);
  }

  onModuleInit(): void {
    this.bus?.start();
    this.invalidator.retryMs = this.options.resilience.breakerDurationMs;
    let connected = this.redis.status === 'ready';
    this.redis.events.on('ready', () => {
      // A reconnect may reach a Redis that restarted empty, its ledger back at 0: the guards that
      // loads in flight read before it mean nothing now, so their results are not stored.
      if (connected) this.flights.invalidate({ all: true });
      connected = true;
      this.invalidator
        .replayPending()
        .catch((err: Error) => this.logger.warn(`replay failed: ${err.message}`));
    });
  }

  onApplicationShutdown(): void {
    this.invalidator.stop();
  }

  /** Memory entry usable right now (fresh or stale), or undefined. The hit path: keep it lean. */
  peekMemory(key: string): Envelope | undefined {
    return this.memoryTrusted && this.memory !== null ? this.memory.get(key) : undefined;
  }

  getOrSet<T>(key: string, load: () => T | Promise<T>, opts: EntryOptionsArg<T> = {}): Promise<T> {
    const hit = this.freshHit<T>(key);
    if (hit !== undefined) return Promise.resolve(hit.v);
    return this.fetch(key, load, opts).then(valueOf);
  }

  /**
   * The hit path of getOrSet, fetch and so of @Cached methods and routes: a fresh memory entry,
   * counted as a hit.
   * Synchronous, allocation-free and timer-free (coarse clock), so a hit costs a lookup.
   */
  freshHit<T>(key: string): Envelope<T> | undefined {
    // one call in 16 is timed for the hit-latency percentiles; the others pay a counter
    const started = this.stats.sampleHit() ? performance.now() : 0;
    const hit = this.peekMemory(key) as Envelope<T> | undefined;
    if (hit === undefined || coarseNow() >= hit.e) return undefined;
    this.stats.hit(hit.n, started === 0 ? undefined : performance.now() - started);
    return hit;
  }

  /** getOrSet, telling where the value came from (for X-Cache headers). */
  async fetch<T>(
    key: string,
    load: () => T | Promise<T>,
    optsArg: EntryOptionsArg<T> = {},
  ): Promise<Outcome<T>> {
    const fresh = this.freshHit<T>(key);
    if (fresh !== undefined) return { value: fresh.v, source: 'memory', envelope: fresh };
    const opts = entryOptionsOf(optsArg);
    // not fresh: an entry still within stale-while-revalidate is served while one refresh runs
    const hit = this.peekMemory(key) as Envelope<T> | undefined;
    if (hit !== undefined && Date.now() < hit.s) {
      this.stats.staleHit(hit.n);
      this.loader.refresh(key, load, opts);
      return { value: hit.v, source: 'stale', envelope: hit };
    }
    return this.loader.join(key, load, opts, hit);
  }

  /** A sync method's cache: the memory tier only, and the method stays sync. */
  getOrSetSync<T>(key: string, load: () => T, optsArg: EntryOptionsArg<T> = {}): T {
    const now = Date.now();
    const hit = this.memory?.get(key) as Envelope<T> | undefined;
    if (hit !== undefined && now < hit.e) {
      this.stats.hit(hit.n);
      return hit.v;
    }
    const started = performance.now();
    const value = load();
    const opts = entryOptionsOf(optsArg);
    const envelope = this.policy.envelope(key, value, opts, now);
    this.stats.miss(envelope?.n, key, performance.now() - started);
    if (!envelope || !this.memory) return value;
    // issue 13: memory holds (and the caller gets) what decoding would give; uncacheable: the value
    try {
      const { payload, envelope: stored } = this.serializer.prepareSync(key, envelope, opts);
      this.memory.set(key, stored, payload.length);
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
    const hit = this.peekMemory(key) as Envelope<T> | undefined;
    if (hit !== undefined && now < hit.e) {
      if (count) this.stats.hit(hit.n);
      return hit;
    }
    const [envelope] = (await this.lookup<T>([key])).found;
    if (envelope !== undefined && Date.now() < envelope.e) {
      if (count) this.stats.hit(envelope.n);
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
      const hit = this.peekMemory(k);
      return hit !== undefined && now < hit.e ? (hit.v as T) : undefined;
    });
    const missing = keys.map((k, i) => (out[i] === undefined ? i : -1)).filter((i) => i >= 0);
    if (missing.length === 0 || !this.redisTier.configured) return out;
    const { found } = await this.lookup<T>(missing.map((i) => keys[i]));
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

  /**
   * Entries from Redis in one round trip, filling memory unless an invalidation came meanwhile.
   * With Redis unusable, or still behind on invalidations made during an outage (it may hold
   * what they removed), memory's copies serve instead. reached: Redis answered.
   */
  async lookup<T>(
    keys: string[],
  ): Promise<{ found: (Envelope<T> | undefined)[]; reached: boolean }> {
    const epoch = this.invalidator.epoch;
    let raws: (string | null)[] | typeof UNAVAILABLE = UNAVAILABLE;
    if (this.invalidator.redisBehind()) raws = UNAVAILABLE;
    else if (keys.length > 1) raws = await this.redisTier.mget(keys);
    else {
      // one key, the common case: a plain GET, the cheapest command there is
      const raw = await this.redisTier.get(keys[0]);
      if (raw !== UNAVAILABLE) raws = [raw];
    }
    if (raws === UNAVAILABLE) {
      return { found: keys.map((key) => this.memoryFallback<T>(key)), reached: false };
    }
    // issue 13: compressed payloads are inflated on the thread pool, off the event loop
    if (raws.some(isCompressed)) raws = await Promise.all(raws.map(inflated));
    const found = raws.map((raw, i) =>
      raw === null ? undefined : this.decode<T>(keys[i], raw, epoch),
    );
    return { found, reached: true };
  }

  /** A stored payload, decoded; a payload that fails to decode is a miss and is deleted. */
  decode<T>(key: string, raw: string, epoch?: number): Envelope<T> | undefined {
    let envelope: Envelope<T>;
    try {
      envelope = this.serializer.decode<T>(raw);
    } catch (err) {
      this.stats.error(this.policy.namespaceOf(key, undefined));
      this.logger.warn(`dropped undecodable entry "${key}": ${(err as Error).message}`);
      void this.redisTier.remove(key);
      return undefined;
    }
    // fill memory only if no invalidation happened while Redis was being read
    if (epoch !== undefined && epoch === this.invalidator.epoch && this.memory) {
      this.memory.set(key, envelope, raw.length);
    }
    return envelope;
  }

  /** With Redis unusable, memory serves even while untrusted: better than nothing. */
  memoryFallback<T>(key: string): Envelope<T> | undefined {
    return this.memory?.get(key) as Envelope<T> | undefined;
  }

  /** The current flight for a key, for tests and debugging. */
  flight(key: string): Flight | undefined {
    return this.flights.get(key);
  }

  private onBusHealth(healthy: boolean): void {
    if (healthy) {
      // messages may have been missed while the bus was down: start over from Redis
      this.memory?.clear();
      this.invalidator.epoch++;
    } else {
      this.logger.warn('invalidation bus is down: memory tier bypassed while Redis is reachable');
    }
    this.memoryTrusted = healthy;
  }
}

function valueOf<T>(outcome: Outcome<T>): T {
  return outcome.value;
}
