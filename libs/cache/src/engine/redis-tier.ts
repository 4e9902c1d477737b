import type { ChainableCommander } from 'ioredis';
import type { AnyRedis } from '../redis/redis-client.factory';
import type { RedisService } from '../redis/redis.service';
import type { KeyLayout } from './key-layout';
import {
  MARK_SCRIPT,
  MERGE_MARKERS_SCRIPT,
  PRUNE_MARKERS_SCRIPT,
  REAP_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  TOMBSTONE_SCRIPT,
  WRITE_SCRIPT,
} from './lua-scripts';
import { SEQ_FIELD } from './markers';
import { perNode } from './node-batches';

/** Redis could not be used for this call (absent, down, circuit open, timed out). */
export const UNAVAILABLE = Symbol('redis-unavailable');
export type Maybe<T> = T | typeof UNAVAILABLE;

export interface WriteItem {
  key: string;
  /** framed (stored-entry.ts) */
  value: string;
  ttlMs: number;
  /** the entry's stamp: the write is refused where the key holds a higher one */
  stamp: number;
  /** bus message announcing the write to other instances ('' for none) */
  message: string;
}

type Scripted = Record<
  'tcWrite' | 'tcTombstone' | 'tcMark' | 'tcMerge' | 'tcPrune' | 'tcReap' | 'tcReleaseLock',
  (...args: (string | number)[]) => Promise<number>
>;
export type ScriptClient = AnyRedis & Scripted;
/** a pipeline with the scripts defined on it */
export type ScriptPipeline = ChainableCommander & Scripted;

const SCRIPTS: [keyof Scripted, string][] = [
  ['tcWrite', WRITE_SCRIPT],
  ['tcTombstone', TOMBSTONE_SCRIPT],
  ['tcMark', MARK_SCRIPT],
  ['tcMerge', MERGE_MARKERS_SCRIPT],
  ['tcPrune', PRUNE_MARKERS_SCRIPT],
  ['tcReap', REAP_SCRIPT],
  ['tcReleaseLock', RELEASE_LOCK_SCRIPT],
];

/**
 * The Redis tier: every call goes through the circuit breaker and turns a failure into
 * UNAVAILABLE, so that callers fall back instead of failing. Every script touches one key
 * (lua-scripts.ts); batches take one round trip per node (node-batches.ts).
 */
export class RedisTier {
  private readonly client: ScriptClient | null;

  constructor(
    private readonly redis: RedisService,
    private readonly layout: KeyLayout,
    private readonly tombstoneTtlMs: number,
    private readonly commandTimeoutMs: number,
    private readonly onError: (err: Error) => void,
  ) {
    this.client = redis.client as ScriptClient | null;
    for (const [name, lua] of SCRIPTS) this.client?.defineCommand(name, { numberOfKeys: 1, lua });
  }

  get configured(): boolean {
    return this.client !== null;
  }

  /** Is Redis worth trying now? (No side effect on the breaker.) */
  get usable(): boolean {
    return (
      this.client !== null && this.client.status === 'ready' && this.redis.breaker.state !== 'open'
    );
  }

  /** the stored (framed) value */
  get(key: string): Promise<Maybe<string | null>> {
    return this.run((c) => c.get(this.layout.data(key)));
  }

  mget(keys: string[]): Promise<Maybe<(string | null)[]>> {
    const redisKeys = keys.map((k) => this.layout.data(k));
    return this.run((c) =>
      this.redis.mode === 'cluster'
        ? perNode<string | null>(c, redisKeys, (p, i) => p.get(redisKeys[i]))
        : c.mget(redisKeys),
    );
  }

  remove(key: string): Promise<Maybe<number>> {
    return this.run((c) => c.unlink(this.layout.data(key)));
  }

  /** The ledger's count of invalidations: a load's entry is stamped with it, read before it starts. */
  readSeq(): Promise<Maybe<number>> {
    return this.run(async (c) => Number((await c.hget(this.layout.ledger, SEQ_FIELD)) ?? 0));
  }

  /**
   * Counts an invalidation (or an explicit write, which must outrank loads in flight) and sets
   * the given markers; publishes `message` unless it is ''. Returns the seq.
   */
  mark(fields: string[], message = ''): Promise<Maybe<number>> {
    return this.run((c) => c.tcMark(this.layout.ledger, this.layout.channel, message, ...fields));
  }

  /** Writes entries; true for each one written, false where the key held a newer one. */
  write(items: WriteItem[]): Promise<Maybe<boolean[]>> {
    const args = (item: WriteItem) => [
      this.layout.data(item.key),
      item.stamp,
      item.value,
      Math.max(1, Math.ceil(item.ttlMs)),
      this.layout.channel,
      item.message,
    ];
    return this.run(async (c) => {
      if (items.length === 1) return [(await c.tcWrite(...args(items[0]))) === 1];
      const keys = items.map((item) => this.layout.data(item.key));
      const replies = await perNode<number>(c, keys, (p, i) =>
        (p as ScriptPipeline).tcWrite(...args(items[i])),
      );
      return replies.map((reply) => reply === 1);
    });
  }

  /** Deletes keys under the invalidation `seq` (tombstones); returns how many held an entry. */
  tombstone(keys: string[], seq: number, message: (key: string) => string): Promise<Maybe<number>> {
    const redisKeys = keys.map((k) => this.layout.data(k));
    return this.run(async (c) => {
      const replies = await perNode<number>(c, redisKeys, (p, i) =>
        (p as ScriptPipeline).tcTombstone(
          redisKeys[i],
          seq,
          this.tombstoneTtlMs,
          this.layout.channel,
          message(keys[i]),
        ),
      );
      return replies.reduce((sum, n) => sum + n, 0);
    });
  }

  publish(seq: number, message: string): Promise<Maybe<number>> {
    return this.run((c) => c.publish(this.layout.channel, `${seq} ${message}`));
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<Maybe<boolean>> {
    return this.acquire(this.layout.lock(key), token, ttlMs);
  }

  /** SET NX PX on any key of ours: locks and the reaper's lease. */
  acquire(redisKey: string, token: string, ttlMs: number): Promise<Maybe<boolean>> {
    return this.run(async (c) => (await c.set(redisKey, token, 'PX', ttlMs, 'NX')) === 'OK');
  }

  lockHeld(key: string): Promise<Maybe<boolean>> {
    return this.run(async (c) => (await c.exists(this.layout.lock(key))) === 1);
  }

  releaseLock(key: string, token: string): Promise<Maybe<number>> {
    return this.release(this.layout.lock(key), token);
  }

  release(redisKey: string, token: string): Promise<Maybe<number>> {
    return this.run((c) => c.tcReleaseLock(redisKey, token));
  }

  /**
   * Runs a call on Redis through the circuit breaker: UNAVAILABLE instead of an error, and a
   * bound on how long it may take. For the parts that scan (redis-keyspace.ts).
   */
  async run<T>(fn: (client: ScriptClient) => Promise<T>): Promise<Maybe<T>> {
    const client = this.client;
    if (client === null || client.status !== 'ready' || !this.redis.breaker.allow())
      return UNAVAILABLE;
    try {
      // a client we built times commands out itself; one we were given may queue them for long
      const result = await (this.redis.owned ? fn(client) : this.bounded(fn(client)));
      this.redis.breaker.success();
      return result;
    } catch (err) {
      this.redis.breaker.failure();
      this.onError(err as Error);
      return UNAVAILABLE;
    }
  }

  private bounded<T>(pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Redis command timed out after ${this.commandTimeoutMs} ms`)),
        this.commandTimeoutMs,
      );
    });
    pending.catch(() => undefined); // settles after the timeout: nobody awaits it any more
    return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
  }
}
