import type { InvalidationBus } from '../bus/invalidation-bus';
import { lifetimeMs, type EntryOptions, type EntryPolicy } from './entry-policy';
import type { Flights } from './flights';
import type { Invalidator } from './invalidator';
import type { MemoryTier } from './memory-tier';
import { UNAVAILABLE, type RedisTier } from './redis-tier';
import type { UncacheableReporter } from '../values/uncacheable';
import type { Serializer } from './serializer';
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

/**
 * The explicit write path (`set`, `mset`): Redis first, in one round trip, then memory. An
 * explicit write supersedes the loads of its keys in flight, and is itself kept out of memory
 * if an invalidation of its keys arrives while it is on its way.
 */
export class Writer {
  constructor(private readonly parts: WriterParts) {}

  async mset(entries: MsetEntry[]): Promise<void> {
    const { policy, serializer, invalidator, redis, flights, memory, bus, uncacheable } =
      this.parts;
    // encoded and decoded back for memory, synchronously so that the Redis write goes out before
    // a command issued after set() (a delete); a value that cannot be cached fails the whole
    // write, naming its key, before anything is written
    const prepared = entries.map((entry) => {
      const envelope = policy.envelope(entry.key, entry.value, entry);
      if (!envelope) return { key: entry.key, envelope, payload: '' };
      try {
        return { key: entry.key, ...serializer.prepareSync(entry.key, envelope, entry, true) };
      } catch (err) {
        uncacheable.handle(err, { namespace: envelope.n }, false);
        throw err;
      }
    });
    const keys = prepared.map((p) => p.key);
    invalidator.applyLocal({ keys });
    const storable = prepared.filter((p) => p.envelope !== undefined);
    const unstorable = prepared.filter((p) => p.envelope === undefined).map((p) => p.key);
    // an invalidation seen while the write is on its way (a delete issued meanwhile, another
    // instance's message) may have come after it in Redis: then memory must not keep the value
    const watched = storable.map(({ key, envelope }) => ({
      key,
      namespace: envelope!.n,
      tags: envelope!.t,
      invalidated: false,
    }));
    let written: Awaited<ReturnType<RedisTier['write']>> = UNAVAILABLE;
    if (redis.configured) {
      for (const write of watched) flights.trackWrite(write);
      try {
        // a seq of its own, above any that a load in flight read: no late load overwrites it
        const stamp = await redis.mark([]);
        if (stamp !== UNAVAILABLE) {
          written = await redis.write(
            storable.map(({ key, envelope, payload }) => ({
              key,
              value: frame(stamp, payload, envelope!.n, envelope!.t),
              ttlMs: lifetimeMs(envelope!),
              stamp,
              message: bus?.encode({ k: [key] }) ?? '',
            })),
          );
        }
      } finally {
        for (const write of watched) flights.writeDone(write);
      }
      // what Redis holds now is older than this write: make sure it goes once Redis is back
      // (deferred without asking Redis again: a call waits for one timeout at most)
      if (written === UNAVAILABLE) invalidator.defer({ keys });
      else if (unstorable.length > 0) await invalidator.invalidate({ keys: unstorable });
    }
    storable.forEach(({ key, envelope }, i) => {
      // not where a newer write (another set, a delete) had already reached Redis
      const superseded = written !== UNAVAILABLE && !written[i];
      if (!watched[i].invalidated && !superseded) memory?.set(key, envelope!);
    });
  }
}
