import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CacheEngine } from './cache-engine';
import { GUARD_WINDOW_MS, lifetimeMs, type EntryOptions } from './entry-policy';
import type { Flight, Outcome } from './flights';
import { UNAVAILABLE } from './redis-tier';
import type { Envelope, Prepared } from './serializer';

/**
 * The miss path: one flight per key runs Redis lookup, optional cross-instance lock, the loader
 * and the guarded write; every concurrent caller of the key awaits that same flight.
 */
export class Loader {
  private readonly logger = new Logger('CacheLoader');

  constructor(private readonly engine: CacheEngine) {}

  async join<T>(
    key: string,
    load: () => T | Promise<T>,
    opts: EntryOptions<T>,
    stale?: Envelope<T>,
  ): Promise<Outcome<T>> {
    const started = performance.now();
    const flight = this.engine.flights.get(key) ?? this.start(key, load, opts, stale, false);
    const outcome = (await flight.promise) as Outcome<T>;
    const ns = outcome.envelope?.n ?? this.engine.policy.namespaceOf(key, opts.namespace);
    if (outcome.source === 'loader' || outcome.source === 'grace') {
      this.engine.stats.miss(ns, key, performance.now() - started);
    } else if (outcome.source === 'stale') {
      this.engine.stats.staleHit(ns);
      this.refresh(key, load, opts);
    } else this.engine.stats.hit(ns);
    return outcome;
  }

  /** Stale-while-revalidate: one background refresh per key; its failure is logged, never thrown. */
  refresh<T>(key: string, load: () => T | Promise<T>, opts: EntryOptions<T>): void {
    if (this.engine.flights.get(key)) return;
    this.start(key, load, opts, undefined, true).promise.catch((err: Error) => {
      this.engine.stats.error(this.engine.policy.namespaceOf(key, opts.namespace));
      this.logger.warn(`background refresh of "${key}" failed: ${err.message}`);
    });
  }

  private start<T>(
    key: string,
    load: () => T | Promise<T>,
    opts: EntryOptions<T>,
    stale: Envelope<T> | undefined,
    skipLookup: boolean,
  ): Flight {
    const flight: Flight = {
      key,
      namespace: this.engine.policy.namespaceOf(key, opts.namespace),
      tags: opts.tags,
      invalidated: false,
      promise: undefined as never,
    };
    this.engine.flights.add(flight);
    this.engine.serializer.formats.register(opts); // issue 13: to revive what Redis holds
    flight.promise = this.resolve(flight, load, opts, stale, skipLookup).finally(() =>
      this.engine.flights.done(flight),
    );
    return flight;
  }

  private async resolve<T>(
    flight: Flight,
    load: () => T | Promise<T>,
    opts: EntryOptions<T>,
    stale: Envelope<T> | undefined,
    skipLookup: boolean,
  ): Promise<Outcome<T>> {
    const { engine } = this;
    const { key } = flight;
    let reached = engine.redisTier.configured;
    if (!skipLookup) {
      const lookup = await this.lookup<T>(flight);
      const found = lookup.found;
      if (found && Date.now() < found.e)
        return { value: found.v, source: 'redis', envelope: found };
      if (found && Date.now() < found.s)
        return { value: found.v, source: 'stale', envelope: found };
      stale = found ?? stale;
      reached = lookup.reached;
    }
    // Redis did not answer (down, circuit open, timed out): no lock, no ledger read, no write,
    // so that a call waits for one command timeout at most before its loader runs
    const lock = reached ? await this.acquire<T>(flight) : { unreachable: true };
    if (lock.value) return { value: lock.value.v, source: 'redis', envelope: lock.value };
    // the ledger's seq before the loader starts: the write is refused if anything it touches is
    // invalidated after this point
    const guard = reached && !lock.unreachable ? await engine.redisTier.readSeq() : UNAVAILABLE;
    const started = Date.now();
    let value: T;
    try {
      engine.stats.load(flight.namespace);
      value = await load();
    } catch (err) {
      await this.release(key, lock.token);
      if (stale && Date.now() < stale.g) {
        engine.stats.error(flight.namespace);
        this.logger.warn(
          `loader for "${key}" failed, serving the value kept for grace: ${(err as Error).message}`,
        );
        return { value: stale.v, source: 'grace', envelope: stale };
      }
      throw err;
    }
    // issue 13: the value as every tier will serve it; undefined when it is not to be cached
    const prepared = await this.prepare(key, engine.policy.envelope(key, value, opts), opts);
    if (prepared && !flight.invalidated && Date.now() - started < GUARD_WINDOW_MS) {
      await this.store(flight, prepared, guard);
    }
    await this.release(key, lock.token);
    if (!prepared) return { value, source: 'loader', envelope: undefined };
    return { value: prepared.envelope.v, source: 'loader', envelope: prepared.envelope };
  }

  /** issue 13: a value that cannot be cached is the caller's all the same (counted, warned once) */
  private async prepare<T>(
    key: string,
    envelope: Envelope<T> | undefined,
    opts: EntryOptions<T>,
  ): Promise<Prepared<T> | undefined> {
    if (!envelope) return undefined;
    try {
      return await this.engine.serializer.prepare(key, envelope, opts);
    } catch (err) {
      const where = { family: opts.family, namespace: envelope.n };
      if (this.engine.uncacheable.handle(err, where)) return undefined;
      throw err;
    }
  }

  /**
   * Redis first (CacheEngine.lookup). An invalidation during the read bumps the epoch, so what
   * it read does not fill memory; one before it is older than what Redis returned.
   */
  private async lookup<T>(flight: Flight): Promise<{ found?: Envelope<T>; reached: boolean }> {
    if (!this.engine.redisTier.configured) return { reached: false };
    const { found, reached } = await this.engine.lookup<T>([flight.key]);
    return { found: found[0], reached };
  }

  private async store<T>(
    flight: Flight,
    { payload, envelope }: Prepared<T>,
    guard: number | typeof UNAVAILABLE,
  ): Promise<void> {
    const { engine } = this;
    if (engine.redisTier.configured && guard !== UNAVAILABLE) {
      const written = await engine.redisTier.write([
        {
          key: flight.key,
          payload,
          ttlMs: lifetimeMs(envelope),
          namespace: envelope.n,
          tags: envelope.t,
          guard,
          message: '',
        },
      ]);
      // refused: an invalidation (maybe from another instance) came after the loader started
      if (written !== UNAVAILABLE && !written[0]) return;
    }
    if (!flight.invalidated) engine.memory?.set(flight.key, envelope, payload.length);
  }

  /**
   * Cross-instance stampede protection: one instance loads, the others wait for its value.
   * unreachable: Redis did not answer, so the caller should not try it again for this load.
   */
  private async acquire<T>(
    flight: Flight,
  ): Promise<{ token?: string; value?: Envelope<T>; unreachable?: boolean }> {
    const { engine } = this;
    const { enabled, waitMs } = engine.options.lock;
    if (!enabled || !engine.redisTier.usable) return {};
    const token = `${engine.instanceId}:${randomUUID()}`;
    const first = await this.tryLock<T>(flight, token);
    if (first !== false) return first;
    const deadline = Date.now() + waitMs;
    for (
      let pause = 5;
      Date.now() < deadline && !flight.invalidated;
      pause = Math.min(pause * 2, 50)
    ) {
      await delay(pause);
      // lock first, value second: the holder writes its value before it releases the lock, so
      // a lock seen free means the value (if any) is visible to the lookup that follows
      const held = await engine.redisTier.lockHeld(flight.key);
      if (held === UNAVAILABLE) return { unreachable: true };
      const { found } = await this.lookup<T>(flight);
      if (found && Date.now() < found.e) return { value: found };
      // the holder finished without a value we can use (its write was refused, or it failed)
      if (!held) {
        const next = await this.tryLock<T>(flight, token);
        if (next !== false) return next;
        // another waiter took the lock: keep waiting for its value
      }
    }
    return {};
  }

  /**
   * SET NX, then a second look at Redis: a holder may have written its value and released the
   * lock between this flight's lookup and its lock, and loading again would be a second load.
   * false: the lock is held by someone else.
   */
  private async tryLock<T>(
    flight: Flight,
    token: string,
  ): Promise<false | { token?: string; value?: Envelope<T>; unreachable?: boolean }> {
    const { engine } = this;
    const acquired = await engine.redisTier.acquireLock(
      flight.key,
      token,
      engine.options.lock.ttlMs,
    );
    if (acquired === UNAVAILABLE) return { unreachable: true };
    if (!acquired) return false;
    const { found, reached } = await this.lookup<T>(flight);
    if (found && Date.now() < found.e) {
      await this.release(flight.key, token);
      return { value: found };
    }
    return reached ? { token } : { token, unreachable: true };
  }

  private async release(key: string, token: string | undefined): Promise<void> {
    if (token) await this.engine.redisTier.releaseLock(key, token);
  }
}
