import { Logger } from '@nestjs/common';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { CacheStats } from '../stats/cache-stats';
import { GUARD_WINDOW_MS, lifetimeMs, type EntryOptions, type EntryPolicy } from './entry-policy';
import { RETRY, type Flight, type Flights, type Outcome } from './flights';
import type { Markers } from './markers';
import { measuredInTurns } from './heap-size';
import type { MemoryTier } from './memory-tier';
import type { UncacheableReporter } from '../values/uncacheable';
import type { Reader } from './reader';
import { UNAVAILABLE, type RedisTier } from './redis-tier';
import type { Envelope, Prepared, Serializer } from './serializer';
import { LoadLock } from './load-lock';
import { frame } from './stored-entry';

export interface LoaderParts {
  flights: Flights;
  reader: Reader;
  redis: RedisTier;
  memory: MemoryTier | null;
  markers: Markers;
  policy: EntryPolicy;
  serializer: Serializer;
  stats: CacheStats;
  uncacheable: UncacheableReporter;
  lock: ResolvedCacheOptions['lock'];
  /** names this instance's lock tokens */
  instanceId: string;
}

/** Flights a call may start or join before it loads even when detached (see join). */
const MAX_ATTEMPTS = 3;

/**
 * The miss path: one flight per key runs Redis lookup, optional cross-instance lock, the loader
 * and the guarded write; every concurrent caller of the key awaits that same flight.
 */
export class Loader {
  private readonly logger = new Logger('CacheLoader');

  private readonly lock: LoadLock;

  constructor(private readonly parts: LoaderParts) {
    this.lock = new LoadLock(parts);
  }

  async join<T>(
    key: string,
    load: () => T | Promise<T>,
    opts: EntryOptions<T>,
    stale?: Envelope<T>,
  ): Promise<Outcome<T>> {
    const started = performance.now();
    let outcome: Outcome<T> | typeof RETRY;
    let attempts = 0;
    do {
      // past MAX_ATTEMPTS a flight loads even when detached (its result is then not stored), so
      // that invalidations without pause cannot starve a call
      const lastTry = ++attempts >= MAX_ATTEMPTS;
      const flight =
        this.parts.flights.get(key) ?? this.start(key, load, opts, stale, false, lastTry);
      outcome = (await flight.promise) as Outcome<T> | typeof RETRY;
    } while (outcome === RETRY);
    const ns = outcome.envelope?.n ?? this.parts.policy.namespaceOf(key, opts.namespace);
    if (outcome.source === 'loader' || outcome.source === 'grace') {
      this.parts.stats.miss(ns, key, performance.now() - started);
    } else if (outcome.source === 'stale') {
      this.parts.stats.staleHit(ns, key);
      this.refresh(key, load, opts);
    } else this.parts.stats.hit(ns, undefined, key);
    return outcome;
  }

  /** Stale-while-revalidate: one background refresh per key; its failure is logged, never thrown. */
  refresh<T>(key: string, load: () => T | Promise<T>, opts: EntryOptions<T>): void {
    if (this.parts.flights.get(key)) return;
    // a refresh detached before it loaded (RETRY) is dropped: the next read starts another
    this.start(key, load, opts, undefined, true).promise.catch((err: Error) => {
      this.parts.stats.error(this.parts.policy.namespaceOf(key, opts.namespace));
      this.logger.warn(`background refresh of "${key}" failed: ${err.message}`);
    });
  }

  private start<T>(
    key: string,
    load: () => T | Promise<T>,
    opts: EntryOptions<T>,
    stale: Envelope<T> | undefined,
    skipLookup: boolean,
    lastTry = false,
  ): Flight {
    const flight: Flight = {
      key,
      namespace: this.parts.policy.namespaceOf(key, opts.namespace),
      tags: opts.tags,
      invalidated: false,
      promise: undefined as never,
    };
    this.parts.flights.add(flight);
    // the value's class and format, so that what Redis holds can be revived
    this.parts.serializer.formats.register(opts);
    flight.promise = this.resolve(flight, load, opts, stale, skipLookup, lastTry).finally(() =>
      this.parts.flights.done(flight),
    );
    return flight;
  }

  private async resolve<T>(
    flight: Flight,
    load: () => T | Promise<T>,
    opts: EntryOptions<T>,
    stale: Envelope<T> | undefined,
    skipLookup: boolean,
    lastTry: boolean,
  ): Promise<Outcome<T> | typeof RETRY> {
    const { parts } = this;
    const { key } = flight;
    let reached = parts.redis.configured;
    if (!skipLookup) {
      const lookup = await this.lookup<T>(flight);
      // what Redis answered may predate the invalidation that detached this flight
      if (flight.invalidated && !lastTry) return RETRY;
      const found = flight.invalidated ? undefined : lookup.found;
      if (found && Date.now() < found.e)
        return { value: found.v, source: 'redis', envelope: found };
      if (found && Date.now() < found.s)
        return { value: found.v, source: 'stale', envelope: found };
      stale = found ?? stale;
      reached = lookup.reached;
    }
    // Redis did not answer (down, circuit open, timed out): no lock, no ledger read, no write,
    // so that a call waits for one command timeout at most before its loader runs
    const lock = reached ? await this.lock.acquire<T>(flight) : { unreachable: true };
    if (lock.value) return { value: lock.value.v, source: 'redis', envelope: lock.value };
    // the ledger's seq before the loader starts: the entry is stamped with it, so that an
    // invalidation after this point (a marker or tombstone with a higher seq) outranks it
    const guard = reached && !lock.unreachable ? await parts.redis.readSeq() : UNAVAILABLE;
    if (flight.invalidated && !lastTry) {
      // detached while waiting: go back to single flight rather than load on one's own
      await this.lock.release(key, lock.token);
      return RETRY;
    }
    if (guard !== UNAVAILABLE) flight.seq = guard;
    const started = Date.now();
    let value: T;
    try {
      parts.stats.load(flight.namespace);
      value = await load();
    } catch (err) {
      parts.stats.loadFailed(flight.namespace, key, err);
      await this.lock.release(key, lock.token);
      if (stale && Date.now() < stale.g) {
        parts.stats.error(flight.namespace);
        this.logger.warn(
          `loader for "${key}" failed, serving the value kept for grace: ${(err as Error).message}`,
        );
        return { value: stale.v, source: 'grace', envelope: stale };
      }
      throw err;
    }
    // the value as every tier will serve it; undefined when it is not to be cached
    const prepared = await this.prepare(key, parts.policy.envelope(key, value, opts), opts);
    if (prepared && !flight.invalidated && Date.now() - started < GUARD_WINDOW_MS) {
      await this.store(flight, prepared, guard);
    }
    await this.lock.release(key, lock.token);
    if (!prepared) return { value, source: 'loader', envelope: undefined };
    return { value: prepared.envelope.v, source: 'loader', envelope: prepared.envelope };
  }

  /** A value that cannot be cached is the caller's all the same (counted, warned once). */
  private async prepare<T>(
    key: string,
    envelope: Envelope<T> | undefined,
    opts: EntryOptions<T>,
  ): Promise<Prepared<T> | undefined> {
    if (!envelope) return undefined;
    try {
      return await this.parts.serializer.prepare(key, envelope, opts);
    } catch (err) {
      const where = { family: opts.family, namespace: envelope.n };
      if (this.parts.uncacheable.handle(err, where)) return undefined;
      throw err;
    }
  }

  /**
   * Redis first (Reader.lookup). An invalidation during the read bumps the epoch, so what
   * it read does not fill memory; one before it is older than what Redis returned.
   */
  private async lookup<T>(flight: Flight): Promise<{ found?: Envelope<T>; reached: boolean }> {
    if (!this.parts.redis.configured) return { reached: false };
    const { found, reached } = await this.parts.reader.lookup<T>([flight.key]);
    return { found: found[0], reached };
  }

  private async store<T>(
    flight: Flight,
    { payload, envelope }: Prepared<T>,
    stamp: number | typeof UNAVAILABLE,
  ): Promise<void> {
    const { parts } = this;
    if (parts.redis.configured && stamp !== UNAVAILABLE) {
      // already invalidated by a marker seen here: it would be stored unreadable
      if (parts.markers.invalidates(flight.key, stamp, envelope.n, envelope.t)) return;
      const written = await parts.redis.write([
        {
          key: flight.key,
          value: frame(stamp, payload, envelope.n, envelope.t),
          ttlMs: lifetimeMs(envelope),
          stamp,
          message: '',
        },
      ]);
      // refused: a newer write or a delete (maybe from another instance) came after the loader started
      if (written !== UNAVAILABLE && !written[0]) return;
    }
    // a large value is measured for memory's byte limit in steps, not in the turn that stores it
    const size = parts.memory ? await measuredInTurns(envelope.v, payload.length) : undefined;
    if (!flight.invalidated) parts.memory?.set(flight.key, envelope, size);
  }
}
