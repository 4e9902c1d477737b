import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { RedisConnection } from '../options/cache-options.interface';
import type { ResolvedCacheOptions } from '../options/resolved-options';

export type RedisMode = 'standalone' | 'cluster' | 'sentinel';
export type AnyRedis = Redis | Cluster;

export interface BuiltClient {
  client: AnyRedis;
  mode: RedisMode;
  /** false when the application handed us the client: we then never close it */
  owned: boolean;
}

/**
 * Settings for a cache, not a database: a command that cannot be sent fails at once instead of
 * waiting in an unbounded offline queue, a command that gets no answer fails after a timeout,
 * and reconnection never gives up (a retryStrategy that returns a non-number would stop it).
 */
export function cacheClientOptions(options: ResolvedCacheOptions): RedisOptions {
  const { commandTimeoutMs, connectTimeoutMs, maxReconnectDelayMs } = options.resilience;
  return {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    keepAlive: 10_000,
    lazyConnect: true,
    retryStrategy: (times: number) =>
      Math.min(50 * 2 ** Math.min(times, 10), maxReconnectDelayMs) + Math.floor(Math.random() * 50),
  };
}

export function buildRedisClient(
  connection: RedisConnection,
  options: ResolvedCacheOptions,
): BuiltClient {
  const base = cacheClientOptions(options);
  if (typeof connection === 'string') {
    return { client: new Redis(connection, base), mode: 'standalone', owned: true };
  }
  if ('client' in connection) {
    return { client: connection.client, mode: modeOf(connection.client), owned: false };
  }
  if ('cluster' in connection) {
    const given: ClusterOptions = connection.options ?? {};
    const client = new Cluster(connection.cluster, {
      ...given,
      enableOfflineQueue: false,
      lazyConnect: true,
      clusterRetryStrategy: base.retryStrategy as ClusterOptions['clusterRetryStrategy'],
      redisOptions: { ...base, ...given.redisOptions, lazyConnect: false },
    });
    return { client, mode: 'cluster', owned: true };
  }
  // Sentinel: follow a failover as soon as the sentinels announce it (+switch-master). Otherwise
  // ioredis stays on the old master until Sentinel demotes it, seconds later, and what it writes
  // there meanwhile (invalidations too) is lost when it resyncs: a stale read after.
  const follow = connection.sentinels ? { failoverDetector: true } : {};
  const client = new Redis({ ...base, ...follow, ...connection, ...pinned(base) });
  return { client, mode: connection.sentinels ? 'sentinel' : 'standalone', owned: true };
}

/** The settings a user's options may not loosen: they are what keeps calls from hanging. */
function pinned(base: RedisOptions): RedisOptions {
  return { enableOfflineQueue: false, lazyConnect: true, retryStrategy: base.retryStrategy };
}

function modeOf(client: AnyRedis): RedisMode {
  if (client instanceof Cluster || (client as { isCluster?: boolean }).isCluster) return 'cluster';
  return (client as Redis).options?.sentinels ? 'sentinel' : 'standalone';
}

/** A second connection for pub/sub, with the same target and settings as the main one. */
export function duplicateForSubscriber(client: AnyRedis): AnyRedis {
  // a subscriber has nothing to replay, so queueing its SUBSCRIBE until connected is safe
  const override = { enableOfflineQueue: true, lazyConnect: true };
  if (client instanceof Cluster) return client.duplicate(undefined, override);
  // the bus subscribes again itself on every 'ready' (with a rejection handler): ioredis' own
  // resubscription has none, and a connection lost before its reply would leave an unhandled
  // rejection ("Connection is closed."), which ends a Node process by default
  return client.duplicate({ ...override, autoResubscribe: false });
}
