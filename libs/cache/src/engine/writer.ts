import type { InvalidationBus } from '../bus/invalidation-bus';
import { lifetimeMs, type EntryOptions, type EntryPolicy } from './entry-policy';
import type { Flights } from './flights';
import { measuredInTurns } from './heap-size';
import type { Invalidator } from './invalidator';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type Maybe, type RedisTier } from './redis-tier';
import type { UncacheableReporter } from '../values/uncacheable';
import type { Envelope, Prepared, Serializer } from './serializer';
import { frame } from './stored-entry';

export interface MsetEntry<T = unknown> extends Omit<EntryOptions<T>, 'unless'> {
  key: string;
  value: T;
}

export interface WriterParts {
  flights: Flights;
  redis: RedisTier;
  memory: MemoryTier | null;
  policy: EntryPolicy;
  serializer: Serializer;
  invalidator: Invalidator;
  bus: InvalidationBus | null;
  uncacheable: UncacheableReporter;
}

/** An entry ready to store, with its key. */
type Keyed = Prepared<unknown> & { key: string };

/**
 * The explicit write path (`set`, `mset`): Redis first, in one round trip, then memory. An
 * explicit write supersedes the loads of its keys in flight, and is itself kept out of memory
 * if an invalidation of its keys arrives while it is on its way.
 */
export class Writer {
  constructor(private readonly parts: WriterParts) {}

  async mset(entries: MsetEntry[]): Promise<void> {
    const { policy, invalidator, redis, flights } = this.parts;
    const planned = entries.map((entry) => ({
      entry,
      envelope: policy.envelope(entry.key, entry.value, entry),
    }));
    const keys = entries.map((e) => e.key);
    // Up to the seq's request, all of it runs in the call's own turn: a command issued after
    // set() (a delete) gets a higher seq, and the write script refuses this write under its
    // tombstone, however long the encoding below takes.
    invalidator.applyLocal({ keys });
    const storable = planned.filter((p) => p.envelope !== undefined);
    const unstorable = planned.filter((p) => p.envelope === undefined).map((p) => p.entry.key);
    // an invalidation seen while the write is on its way (a delete issued meanwhile, another
    // instance's message) may have come after it in Redis: then memory must not keep the value
    const watched = storable.map(({ entry, envelope }) => ({
      key: entry.key,
      namespace: envelope!.n,
      tags: envelope!.t,
      invalidated: false,
    }));
    for (const write of watched) flights.trackWrite(write);
    try {
      // a seq of its own, above any that a load in flight read: no late load overwrites it
      const stamp = redis.configured ? redis.mark([]) : undefined;
      const prepared = await this.prepared(storable);
      const written = stamp === undefined ? UNAVAILABLE : await this.write(prepared, await stamp);
      if (redis.configured) {
        // what Redis holds now is older than this write: make sure it goes once Redis is back
        // (deferred without asking Redis again: a call waits for one timeout at most)
        if (written === UNAVAILABLE) invalidator.defer({ keys });
        else if (unstorable.length > 0) await invalidator.invalidate({ keys: unstorable });
      }
      const sizes = await this.measured(prepared);
      prepared.forEach(({ key, envelope }, i) => {
        // not where a newer write (another set, a delete) had already reached Redis
        const superseded = written !== UNAVAILABLE && !written[i];
        if (!watched[i].invalidated && !superseded) this.parts.memory?.set(key, envelope, sizes[i]);
      });
    } finally {
      for (const write of watched) flights.writeDone(write);
    }
  }

  /**
   * Each entry encoded and decoded back for memory, a large one in steps and deflated on the
   * thread pool. A value that cannot be cached fails the whole write, naming its key, before
   * anything is written.
   */
  private async prepared(storable: { entry: MsetEntry; envelope?: Envelope }[]): Promise<Keyed[]> {
    const prepared: Keyed[] = [];
    for (const { entry, envelope } of storable) {
      try {
        prepared.push({
          key: entry.key,
          ...(await this.parts.serializer.prepare(entry.key, envelope!, entry)),
        });
      } catch (err) {
        this.parts.uncacheable.handle(err, { namespace: envelope!.n }, false);
        throw err;
      }
    }
    return prepared;
  }

  /** Large values measured for memory's byte limit in steps, not in the turn that stores them. */
  private async measured(prepared: Prepared<unknown>[]): Promise<(number | undefined)[]> {
    const sizes: (number | undefined)[] = [];
    for (const { payload, envelope } of prepared) {
      sizes.push(this.parts.memory ? await measuredInTurns(envelope.v, payload.length) : undefined);
    }
    return sizes;
  }

  private write(
    prepared: Keyed[],
    stamp: number | typeof UNAVAILABLE,
  ): Promise<Maybe<boolean[]>> | typeof UNAVAILABLE {
    if (stamp === UNAVAILABLE) return UNAVAILABLE;
    const { bus } = this.parts;
    return this.parts.redis.write(
      prepared.map(({ key, envelope, payload }) => ({
        key,
        value: frame(stamp, payload, envelope.n, envelope.t),
        ttlMs: lifetimeMs(envelope),
        stamp,
        message: bus?.encode({ k: [key] }) ?? '',
      })),
    );
  }
}
