import type { ConfigurableModuleAsyncOptions, LoggerService, Provider, Type } from '@nestjs/common';
import type { CacheModuleOptions as TieredOptions } from '../options/cache-options.interface';
import { CacheOptionsError } from '../errors';
import { msToSeconds } from './compat.constants';

/**
 * @nestjs/cache-manager's options (TTLs in milliseconds) beside ours (`redis`, `keyPrefix`,
 * `memory`, `admin`, ...). `stores` are accepted and not used: see `toTieredOptions`.
 */
export interface CacheManagerOptions {
  /** Keyv stores, Keyv store adapters or a Cacheable: replaced by our memory and Redis tiers */
  stores?: unknown;
  /** default TTL, milliseconds; 0 = no expiry. Without it our `defaultTtl` (seconds) applies */
  ttl?: number;
  /** Keyv's key namespace: becomes our `keyPrefix` when that is not given */
  namespace?: string;
  /** milliseconds: `wrap` refreshes a hit with less time left than this in the background */
  refreshThreshold?: number;
  /** accepted for compatibility: our writes to both tiers already finish off the request path */
  nonBlocking?: boolean;
  refreshAllStores?: boolean;
  cacheId?: string;
}

export type CacheOptions<StoreConfig extends object = object> = CacheManagerOptions &
  TieredOptions &
  StoreConfig;

export type CacheModuleOptions<StoreConfig extends object = object> = CacheOptions<StoreConfig> & {
  /** register the module (CACHE_MANAGER) globally; the engine itself is always global */
  isGlobal?: boolean;
};

export interface CacheOptionsFactory<StoreConfig extends object = object> {
  createCacheOptions(): Promise<CacheOptions<StoreConfig>> | CacheOptions<StoreConfig>;
}

export interface CacheModuleAsyncOptions<StoreConfig extends object = object> extends Pick<
  ConfigurableModuleAsyncOptions<CacheOptions<StoreConfig>>,
  'imports' | 'inject'
> {
  useExisting?: Type<CacheOptionsFactory<StoreConfig>>;
  useClass?: Type<CacheOptionsFactory<StoreConfig>>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- injected values, as Nest types them
  useFactory?: (...args: any[]) => Promise<CacheOptions<StoreConfig>> | CacheOptions<StoreConfig>;
  /** providers visible to the factory (or the options class) */
  extraProviders?: Provider[];
  isGlobal?: boolean;
}

/** Our module's options from NCM's: ttl ms → defaultTtl s, namespace → keyPrefix, stores. */
export function toTieredOptions(options: CacheModuleOptions, logger: LoggerService): TieredOptions {
  const {
    stores,
    ttl,
    namespace,
    refreshThreshold: _refresh,
    nonBlocking: _nonBlocking,
    refreshAllStores: _refreshAll,
    cacheId: _cacheId,
    isGlobal: _isGlobal,
    ...ours
  } = options;
  const tiered: TieredOptions = { ...ours };
  if (ttl !== undefined) {
    if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl < 0) {
      throw new CacheOptionsError('ttl', 'expected milliseconds >= 0', ttl);
    }
    tiered.defaultTtl = msToSeconds(ttl);
  }
  if (namespace !== undefined && tiered.keyPrefix === undefined) tiered.keyPrefix = namespace;
  const list = ([] as unknown[]).concat(stores ?? []);
  if (list.length === 0) return tiered;
  const url = 'redis' in ours ? undefined : list.map(redisUrlOf).find((u) => u !== undefined);
  if (url !== undefined) tiered.redis = url;
  logger.warn(storesWarning(url, 'redis' in ours));
  return tiered;
}

function storesWarning(mappedUrl: string | undefined, redisGiven: boolean): string {
  const head =
    '`stores` (Keyv) are not used: entries live in this module’s memory tier, in front of Redis';
  if (mappedUrl !== undefined) {
    return `${head}; Redis taken from the @keyv/redis store: ${hidePassword(mappedUrl)}`;
  }
  if (redisGiven) return `${head} as the \`redis\` option names it`;
  return `${head} when the \`redis\` option or REDIS_URL names one (else memory alone)`;
}

/** The URL of a @keyv/redis store (bare, in a Keyv, or behind Cacheable), when it can be read. */
function redisUrlOf(store: unknown): string | undefined {
  const s = store as { store?: unknown; secondary?: unknown; client?: unknown } | null;
  if (!s || typeof s !== 'object') return undefined;
  const inner = s.store ?? s.secondary;
  if (inner && inner !== store) return redisUrlOf(inner);
  const options = (s.client as { options?: RedisClientOptions } | undefined)?.options;
  if (typeof options?.url === 'string' && /^rediss?:\/\//.test(options.url)) return options.url;
  const socket = options?.socket;
  if (typeof socket?.host !== 'string' || typeof socket.port !== 'number') return undefined;
  const url = new URL(`${socket.tls ? 'rediss' : 'redis'}://${socket.host}:${socket.port}`);
  if (options?.username) url.username = encodeURIComponent(options.username);
  if (options?.password) url.password = encodeURIComponent(options.password);
  if (typeof options?.database === 'number') url.pathname = `/${options.database}`;
  return url.toString();
}

/** The parts of node-redis client options a URL is made of. */
interface RedisClientOptions {
  url?: string;
  socket?: { host?: string; port?: number; tls?: boolean };
  username?: string;
  password?: string;
  database?: number;
}

function hidePassword(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
