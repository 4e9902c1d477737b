import type { Redis } from 'ioredis';
import type { AnyRedis } from '../redis/redis-client.factory';
import type { RedisService } from '../redis/redis.service';
import type { KeyLayout } from './key-layout';
import { perNode } from './node-batches';
import { UNAVAILABLE, type Maybe, type RedisTier, type ScriptPipeline } from './redis-tier';
import { readHeader, type EntryHeader } from './stored-entry';

/** A data key found by a scan, with its header (null: a tombstone; undefined: unreadable). */
export interface ScannedEntry {
  key: string;
  redisKey: string;
  header: EntryHeader | null | undefined;
}

/** Enough for the header of any entry but one with very long tag lists (then read whole). */
const HEADER_BYTES = 1024;
const MARKER_PAGE = 1_000;

/**
 * The Redis calls that walk something: data keys (SCAN, one master at a time, only under the
 * prefix, never KEYS) and the ledger's markers (HSCAN). Each step is a bounded command, so none
 * of them blocks Redis however large the keyspace; they are the slow paths (pattern
 * invalidation, the reaper, the admin API's listing), never a read's or a tag invalidation's.
 */
export class RedisKeyspace {
  constructor(
    private readonly tier: RedisTier,
    private readonly redis: RedisService,
    private readonly layout: KeyLayout,
  ) {}

  /**
   * The masters to walk, in a stable order (a page cursor names one by its index), taken once
   * per walk: a Cluster may change them meanwhile.
   */
  masters(): AnyRedis[] {
    if (!this.tier.configured) return [];
    const name = (node: AnyRedis) =>
      `${(node as Redis).options.host}:${(node as Redis).options.port}`;
    return this.redis.masters().sort((a, b) => name(a).localeCompare(name(b)));
  }

  /** One SCAN step on one master, with each data key's header (one more round trip). */
  scanStep(
    master: AnyRedis,
    cursor: string,
    count: number,
    glob = '*',
  ): Promise<Maybe<{ entries: ScannedEntry[]; next: string }>> {
    return this.tier.run(async (client) => {
      const [next, found] = await (master as Redis).scan(
        cursor,
        'MATCH',
        this.layout.dataPattern(glob),
        'COUNT',
        count,
      );
      // only keys under our prefix: the glob is built from it, and this re-check costs nothing
      const redisKeys = found.filter((k) => this.layout.keyOf(k) !== undefined);
      const prefixes = await perNode<string>(client, redisKeys, (p, i) =>
        p.getrange(redisKeys[i], 0, HEADER_BYTES - 1),
      );
      const entries = redisKeys.map((redisKey, i) => ({
        key: this.layout.keyOf(redisKey) as string,
        redisKey,
        header: prefixes[i] === '' ? null : readHeader(prefixes[i]),
      }));
      const cut = entries.filter(
        (e, i) => e.header === undefined && prefixes[i].length >= HEADER_BYTES,
      );
      if (cut.length > 0) {
        const whole = await perNode<string | null>(
          client,
          cut.map((e) => e.redisKey),
          (p, i) => p.get(cut[i].redisKey),
        );
        cut.forEach((e, i) => (e.header = whole[i] === null ? null : readHeader(whole[i]!)));
      }
      return { entries, next };
    });
  }

  /** Deletes the data keys that match globs on every master; counts those `counted` accepts. */
  async sweep(globs: string[], counted: (entry: ScannedEntry) => boolean): Promise<Maybe<number>> {
    let deleted = 0;
    for (const master of this.masters()) {
      for (const glob of globs) {
        let cursor = '0';
        do {
          const step = await this.scanStep(master, cursor, 500, glob);
          if (step === UNAVAILABLE) return UNAVAILABLE;
          const keys = step.entries.map((e) => e.redisKey);
          if (keys.length > 0) {
            const done = await this.tier.run((c) => perNode(c, keys, (p, i) => p.unlink(keys[i])));
            if (done === UNAVAILABLE) return UNAVAILABLE;
          }
          deleted += step.entries.filter(counted).length;
          cursor = step.next;
        } while (cursor !== '0');
      }
    }
    return deleted;
  }

  /** Deletes entries the reaper judged invalidated, unless rewritten since; returns how many. */
  reap(entries: { redisKey: string; stamp: number }[]): Promise<Maybe<number>> {
    const keys = entries.map((e) => e.redisKey);
    return this.tier.run(async (c) => {
      const replies = await perNode<number>(c, keys, (p, i) =>
        (p as ScriptPipeline).tcReap(keys[i], entries[i].stamp),
      );
      return replies.reduce((sum, n) => sum + n, 0);
    });
  }

  /** Every field of the ledger, in HSCAN pages. */
  ledger(): Promise<Maybe<[string, string][]>> {
    return this.tier.run(async (c) => {
      const fields: [string, string][] = [];
      let cursor = '0';
      do {
        const [next, flat] = await c.hscan(this.layout.ledger, cursor, 'COUNT', MARKER_PAGE);
        for (let i = 0; i < flat.length; i += 2) fields.push([flat[i], flat[i + 1]]);
        cursor = next;
      } while (cursor !== '0');
      return fields;
    });
  }

  /** Puts fields back where Redis has lower seqs (or none), in bounded batches. */
  mergeLedger(fields: [string, string][]): Promise<Maybe<void>> {
    return this.tier.run(async (c) => {
      for (let i = 0; i < fields.length; i += MARKER_PAGE) {
        await c.tcMerge(this.layout.ledger, ...fields.slice(i, i + MARKER_PAGE).flat());
      }
    });
  }

  /** Removes markers at or below seq, in bounded batches; returns how many went. */
  pruneLedger(seq: number, fields: string[]): Promise<Maybe<number>> {
    return this.tier.run(async (c) => {
      let removed = 0;
      for (let i = 0; i < fields.length; i += MARKER_PAGE) {
        removed += await c.tcPrune(this.layout.ledger, seq, ...fields.slice(i, i + MARKER_PAGE));
      }
      return removed;
    });
  }

  /** Redis's clock, ms: marker times come from it. */
  time(): Promise<Maybe<number>> {
    return this.tier.run(async (c) => {
      const [seconds, micros] = await (c as Redis).time();
      return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    });
  }
}
