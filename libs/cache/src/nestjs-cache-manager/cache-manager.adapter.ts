import { EventEmitter } from 'node:events';
import type { CacheService } from '../service/cache.service';
import { msToSeconds } from './compat.constants';

/** A TTL in milliseconds, or one computed from the value (as cache-manager's `wrap` takes it). */
export type TtlArg<T> = number | ((value: T) => number);

export interface WrapOptions<T> {
  ttl?: TtlArg<T>;
  /** milliseconds: a hit with less time left than this is refreshed in the background */
  refreshThreshold?: TtlArg<T>;
}

/** What `wrap(..., { raw: true })` resolves to: the value and its expiry (epoch milliseconds). */
export interface RawEntry<T> {
  value: T;
  expires: number | undefined;
}

/**
 * cache-manager 7's events and what they carry (its type, key for key, so that listeners typed
 * against it fit; like it, `mdel` is emitted too).
 */
export interface CacheEvents {
  get: <T>(data: { key: string; value?: T; error?: unknown }) => void;
  mget: <T>(data: { keys: string[]; values?: (T | undefined)[]; error?: unknown }) => void;
  set: <T>(data: { key: string; value: T; error?: unknown }) => void;
  mset: <T>(data: { list: MsetItem<T>[]; error?: unknown }) => void;
  del: (data: { key: string; error?: unknown }) => void;
  clear: (error?: unknown) => void;
  refresh: <T>(data: { key: string; value: T; error?: unknown }) => void;
}

export interface MsetItem<T> {
  key: string;
  value: T;
  /** milliseconds */
  ttl?: number;
}

/** cache-manager 7's `Cache`, member for member: TTLs in milliseconds. */
export interface CacheManagerApi {
  get<T>(key: string): Promise<T | undefined>;
  mget<T>(keys: string[]): Promise<(T | undefined)[]>;
  /** when the entry expires, in epoch milliseconds (to the second), or undefined */
  ttl(key: string): Promise<number | undefined>;
  set<T>(key: string, value: T, ttl?: number): Promise<T>;
  mset<T>(list: MsetItem<T>[]): Promise<MsetItem<T>[]>;
  del(key: string): Promise<boolean>;
  mdel(keys: string[]): Promise<boolean>;
  clear(): Promise<boolean>;
  wrap<T>(key: string, fnc: () => T | Promise<T>, ttl?: TtlArg<T>, refresh?: TtlArg<T>): Promise<T>;
  wrap<T>(key: string, fnc: () => T | Promise<T>, options: WrapOptions<T>): Promise<T>;
  wrap<T>(
    key: string,
    fnc: () => T | Promise<T>,
    options: WrapOptions<T> & { raw: true },
  ): Promise<RawEntry<T>>;
  on<E extends keyof CacheEvents>(event: E, listener: CacheEvents[E]): EventEmitter;
  off<E extends keyof CacheEvents>(event: E, listener: CacheEvents[E]): EventEmitter;
  disconnect(): Promise<undefined>;
  cacheId(): string;
  /** cache-manager's Keyv stores: none here, the tiers are the module's own */
  stores: never[];
}

/**
 * The token and type of `CACHE_MANAGER`, as @nestjs/cache-manager exports them: inject it as
 * `@Inject(CACHE_MANAGER) cache: Cache` or by class, `constructor(cache: Cache)`.
 */
/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- a token and its type under one name, as NCM has them */
export abstract class Cache {}
export interface Cache extends CacheManagerApi {}
/* eslint-enable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type */

export interface AdapterDefaults {
  /** milliseconds, cache-manager's module-wide `ttl` (what `mset` reports for entries without one) */
  ttl?: number;
  /** seconds: the module's default, used when a ttl function gives nothing */
  defaultTtl: number;
  /** milliseconds, cache-manager's module-wide `refreshThreshold` */
  refreshThreshold?: number;
  cacheId?: string;
}

/**
 * cache-manager's API on our engine through the public CacheService: both tiers, the bus, and
 * single flight for `wrap` (one load per key across callers, and across instances with `lock`).
 */
export class CacheManagerAdapter implements CacheManagerApi {
  readonly stores: never[] = [];
  private readonly events = new EventEmitter();
  private readonly refreshing = new Set<string>();
  private readonly id: string;

  constructor(
    private readonly cache: CacheService,
    private readonly defaults: AdapterDefaults,
  ) {
    this.id = defaults.cacheId ?? Math.random().toString(36).slice(2);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = await this.cache.get<T>(key);
    // as cache-manager: the event tells of a value found
    if (value !== undefined) this.events.emit('get', { key, value });
    return value;
  }

  async mget<T>(keys: string[]): Promise<(T | undefined)[]> {
    const values = await this.cache.mget<T>(keys);
    this.events.emit('mget', { keys, values });
    return values;
  }

  async ttl(key: string): Promise<number | undefined> {
    const seconds = await this.cache.ttl(key);
    return seconds === null ? undefined : Date.now() + seconds * 1000;
  }

  async set<T>(key: string, value: T, ttl?: number): Promise<T> {
    try {
      await this.cache.set(key, value, { ttl: seconds(ttl) });
    } catch (error) {
      this.events.emit('set', { key, value, error });
      throw error;
    }
    this.events.emit('set', { key, value });
    return value;
  }

  /** Resolves to the entries with the TTL each was given (the module's when it had none). */
  async mset<T>(list: MsetItem<T>[]): Promise<MsetItem<T>[]> {
    const written = list.map(({ key, value, ttl }) => ({
      key,
      value,
      ttl: ttl ?? this.defaults.ttl,
    }));
    await this.cache.mset(
      written.map((e) => ({ key: e.key, value: e.value, ttl: seconds(e.ttl) })),
    );
    this.events.emit('mset', { list: written });
    return written;
  }

  async del(key: string): Promise<boolean> {
    await this.cache.delete(key);
    this.events.emit('del', { key });
    return true;
  }

  async mdel(keys: string[]): Promise<boolean> {
    await this.cache.delete(...keys);
    this.events.emit('mdel', { keys });
    return true;
  }

  /** Removes everything under the module's keyPrefix (on every instance), nothing else. */
  async clear(): Promise<boolean> {
    await this.cache.clear();
    this.events.emit('clear');
    return true;
  }

  wrap<T>(key: string, fnc: () => T | Promise<T>, ttl?: TtlArg<T>, refresh?: TtlArg<T>): Promise<T>;
  wrap<T>(key: string, fnc: () => T | Promise<T>, options: WrapOptions<T>): Promise<T>;
  wrap<T>(
    key: string,
    fnc: () => T | Promise<T>,
    options: WrapOptions<T> & { raw: true },
  ): Promise<RawEntry<T>>;
  async wrap<T>(
    key: string,
    fnc: () => T | Promise<T>,
    ttlOrOptions?: TtlArg<T> | (WrapOptions<T> & { raw?: boolean }),
    refreshArg?: TtlArg<T>,
  ): Promise<T | RawEntry<T>> {
    const opts =
      typeof ttlOrOptions === 'object' && ttlOrOptions !== null
        ? ttlOrOptions
        : { ttl: ttlOrOptions, refreshThreshold: refreshArg };
    const ttlOf = (value: T): number =>
      seconds(typeof opts.ttl === 'function' ? opts.ttl(value) : opts.ttl) ??
      this.defaults.defaultTtl;
    let loaded = false;
    const value = await this.cache.getOrSet<T>(
      key,
      () => {
        loaded = true;
        return fnc();
      },
      () => ({ ttl: ttlOf }),
    );
    const threshold =
      (typeof opts.refreshThreshold === 'function'
        ? opts.refreshThreshold(value)
        : opts.refreshThreshold) ?? this.defaults.refreshThreshold;
    // a hit may need refreshing; a raw answer needs its expiry: one TTL lookup, only then
    const mayRefresh = !loaded && threshold !== undefined;
    const expires = mayRefresh || opts.raw ? await this.ttl(key) : undefined;
    if (mayRefresh && expires !== undefined && expires - Date.now() < threshold) {
      this.refresh(key, fnc, ttlOf);
    }
    return opts.raw ? { value, expires } : value;
  }

  on<E extends keyof CacheEvents>(event: E, listener: CacheEvents[E]): EventEmitter {
    return this.events.addListener(event, listener);
  }

  off<E extends keyof CacheEvents>(event: E, listener: CacheEvents[E]): EventEmitter {
    return this.events.removeListener(event, listener);
  }

  /** The module owns the connections and closes them at application shutdown. */
  async disconnect(): Promise<undefined> {
    return undefined;
  }

  cacheId(): string {
    return this.id;
  }

  /** cache-manager's refresh-ahead: one background reload per key, the hit is served meanwhile. */
  private refresh<T>(key: string, fnc: () => T | Promise<T>, ttlOf: (value: T) => number): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    void (async () => {
      try {
        const value = await fnc();
        await this.cache.set(key, value, { ttl: ttlOf(value) });
        this.events.emit('refresh', { key, value });
      } catch (error) {
        this.events.emit('refresh', { key, value: undefined, error });
      } finally {
        this.refreshing.delete(key);
      }
    })();
  }
}

function seconds(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : msToSeconds(ms);
}
