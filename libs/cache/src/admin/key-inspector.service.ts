import { BadRequestException, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { CacheEngine } from '../engine/cache-engine';
import { globToRegExp } from '../engine/glob';
import { UNAVAILABLE } from '../engine/redis-tier';
import type { Envelope } from '../engine/serializer';
import { toJsonSafe } from './json-safe';

export interface KeyReport {
  key: string;
  exists: boolean;
  /** where the entry was found */
  tier: 'memory' | 'redis' | 'both' | null;
  /** seconds before the entry goes stale; null when absent */
  ttlRemaining: number | null;
  sizeBytes: number | null;
  namespace: string | null;
  tags: string[];
  value?: unknown;
  stale?: boolean;
  createdAt?: string;
  /** set when the value is too large to return */
  valueOmitted?: string;
  /** set when Redis could not be asked */
  redis?: 'unavailable';
}

export interface KeysPage {
  keys: string[];
  cursor: string;
  source: 'redis' | 'memory';
}

/** SCAN cursors are unsigned 64-bit: a larger one is a Redis error, which the breaker would count. */
const MAX_REDIS_CURSOR = 2n ** 64n - 1n;
/** Values larger than this are described, not returned. */
const MAX_VALUE_BYTES = 256 * 1024;

/**
 * Reads single entries and pages of keys for the admin API. Every read goes through the engine's
 * key layout, so only `<prefix>:d:` keys are ever addressed: nothing outside the prefix is read
 * or listed, whatever the key or glob looks like.
 */
@Injectable()
export class KeyInspector {
  constructor(private readonly engine: CacheEngine) {}

  async inspect(key: string): Promise<KeyReport> {
    const { engine } = this;
    const inMemory = engine.memory?.peek(key);
    const memoryEntry =
      inMemory && Date.now() < Math.max(inMemory.e, inMemory.s, inMemory.g) ? inMemory : undefined;
    let redisEntry: Envelope | undefined;
    let redisBytes: number | undefined;
    let redisState: 'unavailable' | undefined;
    if (engine.redisTier.configured) {
      const stored = await engine.reader.stored(key);
      if (stored === UNAVAILABLE) redisState = 'unavailable';
      else if (stored?.envelope) {
        redisBytes = stored.bytes;
        redisEntry = stored.envelope;
      }
    }
    const entry = memoryEntry ?? redisEntry;
    const tier =
      memoryEntry && redisEntry ? 'both' : memoryEntry ? 'memory' : redisEntry ? 'redis' : null;
    const report: KeyReport = {
      key,
      exists: entry !== undefined,
      tier,
      ttlRemaining: entry ? Math.max(0, Math.ceil((entry.e - Date.now()) / 1000)) : null,
      sizeBytes: redisBytes ?? (entry ? Buffer.byteLength(engine.serializer.encode(entry)) : null),
      namespace: entry?.n ?? null,
      tags: entry?.t ?? [],
    };
    if (redisState) report.redis = redisState;
    if (!entry) return report;
    report.stale = Date.now() >= entry.e;
    report.createdAt = new Date(entry.c).toISOString();
    if ((report.sizeBytes ?? 0) > MAX_VALUE_BYTES)
      report.valueOmitted = `larger than ${MAX_VALUE_BYTES} bytes`;
    else report.value = toJsonSafe(entry.v);
    return report;
  }

  /** Where the key exists: memory (no LRU touch) and Redis (a readable entry; null when not configured). */
  async exists(key: string): Promise<{ memory: boolean; redis: boolean | 'unavailable' | null }> {
    const { engine } = this;
    const memory = engine.memory?.peek(key) !== undefined;
    if (!engine.redisTier.configured) return { memory, redis: null };
    const stored = await engine.reader.stored(key);
    return { memory, redis: stored === UNAVAILABLE ? 'unavailable' : !!stored?.envelope };
  }

  /** One page of keys: a SCAN step on Redis, or a slice of the memory tier in memory-only mode. */
  async page(glob: string, cursor: string, count: number): Promise<KeysPage> {
    const { engine } = this;
    if (!engine.redisTier.configured) return this.memoryPage(glob, cursor, count);
    const [node, step] = cursor === '0' ? [0, '0'] : cursor.split(':');
    // an unknown node would make the SCAN fail, which the circuit breaker would count
    if (Number(node) >= engine.redis.masters().length)
      throw new BadRequestException('cursor names an unknown node');
    if (BigInt(step) > MAX_REDIS_CURSOR) throw new BadRequestException('cursor is out of range');
    const page = await engine.reader.page(glob, `${Number(node)}:${step}`, count);
    if (page === UNAVAILABLE)
      throw new ServiceUnavailableException('Redis is not usable right now');
    const keys = page.keys.filter((k): k is string => typeof k === 'string');
    return { keys, cursor: page.cursor, source: 'redis' };
  }

  private memoryPage(glob: string, cursor: string, count: number): KeysPage {
    const memory = this.engine.memory;
    if (!memory) return { keys: [], cursor: '0', source: 'memory' };
    const offset = cursor === '0' ? 0 : Number(cursor.split(':')[1]);
    if (cursor !== '0' && !cursor.startsWith('0:'))
      throw new BadRequestException('cursor names an unknown node');
    const pattern = globToRegExp(glob);
    // like SCAN: a snapshot per call, so entries added or evicted between pages may be missed or repeated
    const matching = [...memory.keys()].filter((k) => pattern.test(k));
    const keys = matching.slice(offset, offset + count);
    const next = offset + count;
    return { keys, cursor: next < matching.length ? `0:${next}` : '0', source: 'memory' };
  }
}
