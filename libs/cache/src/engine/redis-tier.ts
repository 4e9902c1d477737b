import type { Redis } from 'ioredis';
import type { AnyRedis } from '../redis/redis-client.factory';
import type { RedisService } from '../redis/redis.service';
import type { KeyLayout } from './key-layout';
import {
  BUMP_ALL_SCRIPT,
  INVALIDATE_SCRIPT,
  RELEASE_LOCK_SCRIPT,
  WRITE_SCRIPT,
} from './lua-scripts';

/** Redis could not be used for this call (absent, down, circuit open, timed out). */
export const UNAVAILABLE = Symbol('redis-unavailable');
export type Maybe<T> = T | typeof UNAVAILABLE;

export interface WriteItem {
  key: string;
  payload: string;
  ttlMs: number;
  namespace?: string;
  tags?: string[];
  /** the seq read before the loader started; undefined = an explicit set */
  guard?: number;
  /** bus message announcing the write to other instances ('' for none) */
  message: string;
}

export interface InvalidationCounts {
  keys: number;
  tags: number;
  namespaces: number;
}

type ScriptClient = AnyRedis & {
  tcWrite(...args: (string | number)[]): Promise<number>;
  tcInvalidate(...args: (string | number)[]): Promise<number[]>;
  tcBumpAll(...args: (string | number)[]): Promise<number>;
  tcReleaseLock(...args: (string | number)[]): Promise<number>;
};

const SCAN_COUNT = 500;

/**
 * The Redis tier: every call goes through the circuit breaker and turns a failure into
 * UNAVAILABLE, so that callers fall back instead of failing. Lua scripts make each write and
 * invalidation atomic (see lua-scripts.ts).
 */
export class RedisTier {
  private readonly client: ScriptClient | null;

  constructor(
    private readonly redis: RedisService,
    private readonly layout: KeyLayout,
    private readonly markerTtlMs: number,
    private readonly commandTimeoutMs: number,
    private readonly onError: (err: Error) => void,
  ) {
    this.client = redis.client as ScriptClient | null;
    if (this.client) {
      this.client.defineCommand('tcWrite', { lua: WRITE_SCRIPT });
      this.client.defineCommand('tcInvalidate', { lua: INVALIDATE_SCRIPT });
      this.client.defineCommand('tcBumpAll', { numberOfKeys: 2, lua: BUMP_ALL_SCRIPT });
      this.client.defineCommand('tcReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK_SCRIPT });
    }
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

  get(key: string): Promise<Maybe<string | null>> {
    return this.run((c) => c.get(this.layout.data(key)));
  }

  mget(keys: string[]): Promise<Maybe<(string | null)[]>> {
    return this.run((c) => c.mget(keys.map((k) => this.layout.data(k))));
  }

  /** milliseconds left, or -2 when missing */
  pttl(key: string): Promise<Maybe<number>> {
    return this.run((c) => c.pttl(this.layout.data(key)));
  }

  remove(key: string): Promise<Maybe<number>> {
    return this.run((c) => c.unlink(this.layout.data(key)));
  }

  /** The ledger's current seq: read before a loader starts, checked by its write. */
  readSeq(): Promise<Maybe<number>> {
    return this.run(async (c) => Number((await c.get(this.layout.seq)) ?? 0));
  }

  /** Writes entries in one round trip; true for each one written, false where a guard refused it. */
  write(items: WriteItem[]): Promise<Maybe<boolean[]>> {
    return this.run(async (c) => {
      if (items.length === 1) return [(await c.tcWrite(...this.writeArgs(items[0]))) === 1];
      const pipeline = c.pipeline() as unknown as {
        tcWrite(...a: unknown[]): void;
        exec(): Promise<[Error | null, unknown][]>;
      };
      for (const item of items) pipeline.tcWrite(...this.writeArgs(item));
      const results = await pipeline.exec();
      return results.map(([err, res]) => {
        if (err) throw err;
        return res === 1;
      });
    });
  }

  invalidate(
    keys: string[],
    tags: string[],
    namespaces: string[],
    message: string,
  ): Promise<Maybe<InvalidationCounts>> {
    const { layout } = this;
    const redisKeys = [layout.seq];
    for (const k of keys) redisKeys.push(layout.marker(`k:${k}`), layout.data(k));
    for (const t of tags) redisKeys.push(layout.marker(`t:${t}`), layout.tagSet(t));
    for (const n of namespaces) redisKeys.push(layout.marker(`n:${n}`), layout.namespaceSet(n));
    return this.run(async (c) => {
      const [, k, t, n] = await c.tcInvalidate(
        redisKeys.length,
        ...redisKeys,
        this.markerTtlMs,
        layout.channel,
        message,
        keys.length,
        tags.length,
        namespaces.length,
      );
      return { keys: k, tags: t, namespaces: n };
    });
  }

  /** Invalidates everything in the ledger, then deletes what the globs match, on every master; counts entries. */
  sweep(globs: string[], message: string): Promise<Maybe<number>> {
    return this.run(async (c) => {
      const seq = await c.tcBumpAll(this.layout.seq, this.layout.marker('all'), this.markerTtlMs);
      let deleted = 0;
      for (const node of this.redis.masters()) {
        for (const glob of globs) deleted += await this.scanDelete(node, glob);
      }
      if (message) await c.publish(this.layout.channel, `${seq} ${message}`);
      return deleted;
    });
  }

  /** One page of data keys matching a glob, for the admin API. Cursor: "<node>:<redis cursor>". */
  scanPage(
    glob: string,
    cursor: string,
    count: number,
  ): Promise<Maybe<{ keys: string[]; cursor: string }>> {
    return this.run(async () => {
      const masters = this.redis.masters();
      const [nodeText, redisCursor] = cursor.split(':');
      let node = Number(nodeText);
      const [next, found] = await masters[node].scan(
        redisCursor,
        'MATCH',
        this.layout.dataPattern(glob),
        'COUNT',
        count,
      );
      let nextCursor = `${node}:${next}`;
      if (next === '0') nextCursor = ++node < masters.length ? `${node}:0` : '0';
      return { keys: found.map((k) => this.layout.keyOf(k) as string), cursor: nextCursor };
    });
  }

  acquireLock(key: string, token: string, ttlMs: number): Promise<Maybe<boolean>> {
    return this.run(
      async (c) => (await c.set(this.layout.lock(key), token, 'PX', ttlMs, 'NX')) === 'OK',
    );
  }

  lockHeld(key: string): Promise<Maybe<boolean>> {
    return this.run(async (c) => (await c.exists(this.layout.lock(key))) === 1);
  }

  releaseLock(key: string, token: string): Promise<Maybe<number>> {
    return this.run((c) => c.tcReleaseLock(this.layout.lock(key), token));
  }

  private writeArgs(item: WriteItem): (string | number)[] {
    const { layout } = this;
    const guarded = item.guard !== undefined;
    const markers = guarded
      ? [
          layout.marker('all'),
          layout.marker(`k:${item.key}`),
          ...(item.namespace !== undefined ? [layout.marker(`n:${item.namespace}`)] : []),
          ...(item.tags ?? []).map((t) => layout.marker(`t:${t}`)),
        ]
      : [layout.marker(`k:${item.key}`)];
    const sets = [
      ...(item.namespace !== undefined ? [layout.namespaceSet(item.namespace)] : []),
      ...(item.tags ?? []).map((t) => layout.tagSet(t)),
    ];
    const keys = [layout.seq, layout.data(item.key), ...markers, ...sets];
    return [
      keys.length,
      ...keys,
      guarded ? (item.guard as number) : -1,
      item.payload,
      Math.max(1, Math.ceil(item.ttlMs)),
      markers.length,
      layout.channel,
      item.message,
      this.markerTtlMs,
    ];
  }

  private async scanDelete(node: AnyRedis, glob: string): Promise<number> {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await (node as Redis).scan(cursor, 'MATCH', glob, 'COUNT', SCAN_COUNT);
      // only keys under our prefix: the glob is built from it, and this re-check costs nothing
      const ours = keys.filter((k) => k.startsWith(this.layout.root));
      if (ours.length > 0) await (node as Redis).unlink(...ours);
      // count entries only: index sets and locks go too, but they are not what callers asked about
      deleted += ours.filter((k) => this.layout.keyOf(k) !== undefined).length;
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  }

  private async run<T>(fn: (client: ScriptClient) => Promise<T>): Promise<Maybe<T>> {
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
