import { Injectable } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { CacheEngine } from '../engine/cache-engine';
import type { MsetEntry } from '../engine/writer';
import type { EntryOptions, EntryOptionsArg } from '../engine/entry-policy';
import type { InvalidationResult } from '../engine/invalidator';
import { userTag } from '../keys/route-key';
import type { CacheEvent } from '../monitoring/cache-events';
import type { StatsSnapshot } from '../stats/cache-stats';
import { WarmupRegistry, type WarmupJob } from '../warmup/warmup.registry';

export type SetOptions = Omit<EntryOptions, 'unless' | 'ttl' | 'family'> & { ttl?: number };

/**
 * The cache as an application uses it directly. Keys are relative to `keyPrefix`. Every method
 * is the engine's, so values written here are the ones `@Cached` reads, and the other way round.
 */
@Injectable()
export class CacheService {
  constructor(
    private readonly engine: CacheEngine,
    private readonly warmups: WarmupRegistry,
  ) {}

  get<T = unknown>(key: string): Promise<T | undefined> {
    return this.engine.get<T>(key);
  }

  set<T>(key: string, value: T, options: SetOptions = {}): Promise<void> {
    return this.engine.set(key, value, options);
  }

  /** Deletes keys everywhere (memory of every instance, Redis); resolves to how many existed. */
  delete(...keys: string[]): Promise<number> {
    return this.engine.delete(...keys);
  }

  /** The value under key, or the loader's (stored, then returned); concurrent callers share one load. */
  getOrSet<T>(key: string, loader: () => T | Promise<T>, options?: EntryOptionsArg<T>): Promise<T> {
    return this.engine.getOrSet(key, loader, options);
  }

  mget<T = unknown>(keys: string[]): Promise<(T | undefined)[]> {
    return this.engine.mget<T>(keys);
  }

  mset(entries: MsetEntry[]): Promise<void> {
    return this.engine.mset(entries);
  }

  async invalidateTags(tags: string | string[]): Promise<number> {
    return (await this.engine.invalidator.invalidate({ tags: ([] as string[]).concat(tags) })).tags;
  }

  /** Drops the entries `perUser` routes cached for this user (they carry its `user:<id>` tag). */
  invalidateUser(id: string | number): Promise<number> {
    return this.invalidateTags(userTag(String(id)));
  }

  async invalidateNamespace(namespace: string): Promise<number> {
    return (await this.engine.invalidator.invalidate({ namespaces: [namespace] })).namespaces;
  }

  /** Deletes the keys under the prefix that match a Redis glob (SCAN + UNLINK, never KEYS). */
  async invalidatePattern(glob: string): Promise<number> {
    return (await this.engine.invalidator.invalidate({ patterns: [glob] })).patterns;
  }

  /** Several kinds at once, as `@InvalidateOn` and the admin API do. */
  invalidate(spec: {
    keys?: string[];
    tags?: string[];
    namespaces?: string[];
    patterns?: string[];
  }): Promise<InvalidationResult> {
    return this.engine.invalidator.invalidate(spec);
  }

  /** Removes everything under `keyPrefix`, and nothing else. */
  async clear(): Promise<number> {
    return (await this.engine.invalidator.invalidate({ all: true })).patterns;
  }

  /** Seconds before the entry goes stale, or null when there is none. */
  ttl(key: string): Promise<number | null> {
    return this.engine.ttl(key);
  }

  stats(): StatsSnapshot {
    const { stats, memory, redis } = this.engine;
    return {
      ...stats.total.snapshot(),
      namespaces: stats.namespaces(),
      routes: stats.routes(),
      memory: memory ? { entries: memory.size, bytes: memory.bytes } : null,
      redis: { circuit: redis.circuit, circuitOpened: redis.breaker.opened, status: redis.status },
      slowestMisses: stats.slowestMisses(),
      since: stats.since.toISOString(),
    };
  }

  /**
   * Hits (when sampled in: `monitoring.hitEventSampleRate`), misses, stale hits, loader errors,
   * invalidations, circuit changes and alerts, as they happen. Subscribing costs the cache
   * nothing until then.
   */
  get events$(): Observable<CacheEvent> {
    return this.engine.stats.events.events$;
  }

  registerWarmup(job: WarmupJob): void {
    this.warmups.register(job);
  }
}
