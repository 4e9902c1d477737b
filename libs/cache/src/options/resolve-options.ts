import { CacheOptionsError } from '../errors';
import type { CacheModuleOptions, RedisConnection } from './cache-options.interface';
import { resolveMonitoring } from './resolve-monitoring';
import {
  envBoolean,
  envNumber,
  optionalBoolean,
  optionalSeconds,
  nonNegativeInt,
  positiveInt,
  seconds,
  type Env,
} from './option-validators';
import type { ResolvedCacheOptions } from './resolved-options';
import { serializerProblem } from '../values/value-format';

export function resolveOptions(
  raw: CacheModuleOptions = {},
  env: Env = process.env,
): ResolvedCacheOptions {
  const keyPrefix = raw.keyPrefix ?? env.CACHE_PREFIX ?? 'cache';
  if (typeof keyPrefix !== 'string' || !/^[A-Za-z0-9_.\-{}]{1,64}$/.test(keyPrefix)) {
    const option = raw.keyPrefix === undefined ? 'CACHE_PREFIX' : 'keyPrefix';
    throw new CacheOptionsError(option, 'use 1-64 letters, digits, "_", "-", ".", "{}"', keyPrefix);
  }
  // an error names where the bad value came from: the option, or the environment variable
  const defaultTtl = seconds(
    raw.defaultTtl === undefined ? 'CACHE_DEFAULT_TTL' : 'defaultTtl',
    raw.defaultTtl ?? envNumber(env, 'CACHE_DEFAULT_TTL') ?? 300,
  );
  const namespaces: ResolvedCacheOptions['namespaces'] = {};
  for (const [name, ns] of Object.entries(raw.namespaces ?? {})) {
    if (!/^[^\s*?[\]]{1,100}$/.test(name)) {
      throw new CacheOptionsError(
        `namespaces.${name}`,
        'a namespace name has no spaces or glob characters',
        name,
      );
    }
    namespaces[name] = {
      ttl: optionalSeconds(`namespaces.${name}.ttl`, ns?.ttl),
      staleWhileRevalidate: optionalSeconds(
        `namespaces.${name}.staleWhileRevalidate`,
        ns?.staleWhileRevalidate,
      ),
      grace: optionalSeconds(`namespaces.${name}.grace`, ns?.grace),
    };
  }
  const memory =
    raw.memory === false
      ? false
      : {
          maxEntries: positiveInt('memory.maxEntries', raw.memory?.maxEntries ?? 10_000),
          maxBytes: positiveInt('memory.maxBytes', raw.memory?.maxBytes ?? 64 * 1024 * 1024),
          ttl: seconds('memory.ttl', raw.memory?.ttl ?? 0),
        };
  const enabled = raw.enabled ?? envBoolean(env, 'CACHE_ENABLED') ?? true;
  const r = raw.resilience ?? {};
  const resilience = {
    commandTimeoutMs: positiveInt('resilience.commandTimeoutMs', r.commandTimeoutMs ?? 300),
    connectTimeoutMs: positiveInt('resilience.connectTimeoutMs', r.connectTimeoutMs ?? 2_000),
    breakerThreshold: positiveInt('resilience.breakerThreshold', r.breakerThreshold ?? 5),
    breakerDurationMs: positiveInt('resilience.breakerDurationMs', r.breakerDurationMs ?? 1_000),
    maxReconnectDelayMs: positiveInt(
      'resilience.maxReconnectDelayMs',
      r.maxReconnectDelayMs ?? 1_000,
    ),
  };
  const lock = {
    enabled: raw.lock?.enabled ?? false,
    ttlMs: positiveInt('lock.ttlMs', raw.lock?.ttlMs ?? 5_000),
    waitMs: positiveInt('lock.waitMs', raw.lock?.waitMs ?? 3_000),
  };
  const reaper = {
    enabled: optionalBoolean('reaper.enabled', raw.reaper?.enabled) ?? true,
    batchSize: positiveInt('reaper.batchSize', raw.reaper?.batchSize ?? 500),
    pauseMs: nonNegativeInt('reaper.pauseMs', raw.reaper?.pauseMs ?? 10),
  };
  const admin =
    raw.admin === false
      ? false
      : {
          ...raw.admin,
          path: adminPath(raw.admin?.path ?? 'cache'),
          token: raw.admin?.token ?? env.CACHE_ADMIN_TOKEN ?? undefined,
          dashboard: optionalBoolean('admin.dashboard', raw.admin?.dashboard) ?? true,
        };
  if (
    admin &&
    admin.token !== undefined &&
    (typeof admin.token !== 'string' || admin.token.length < 8)
  ) {
    const option = raw.admin && raw.admin.token !== undefined ? 'admin.token' : 'CACHE_ADMIN_TOKEN';
    throw new CacheOptionsError(option, 'use a token of at least 8 characters', '<hidden>');
  }
  const compressThreshold =
    raw.compressThreshold === false
      ? false
      : positiveInt('compressThreshold', raw.compressThreshold ?? 16_384);
  const maxValueBytes = sizeLimit(raw, env);
  const valueProblem = raw.serializer === undefined ? undefined : serializerProblem(raw.serializer);
  if (valueProblem) throw new CacheOptionsError('serializer', valueProblem, raw.serializer);
  for (const [i, rule] of (raw.invalidationRules ?? []).entries()) {
    if (!rule || typeof rule.path !== 'string' || !rule.path.startsWith('/')) {
      throw new CacheOptionsError(
        `invalidationRules[${i}].path`,
        'a path starts with "/"',
        rule?.path,
      );
    }
  }
  return {
    redis: redisConnection(raw, env),
    keyPrefix,
    defaultTtl,
    namespaces,
    memory,
    enabled,
    admin,
    warmup: {
      onStartup: raw.warmup?.onStartup ?? true,
      cron: raw.warmup?.cron,
      startupTimeoutMs: positiveInt(
        'warmup.startupTimeoutMs',
        raw.warmup?.startupTimeoutMs ?? 5_000,
      ),
    },
    http: {
      headers: raw.http?.headers ?? true,
      etag: raw.http?.etag ?? true,
      userId: raw.http?.userId ?? defaultUserId,
    },
    resilience,
    lock,
    reaper,
    grace: seconds('grace', raw.grace ?? 0),
    compressThreshold,
    maxValueBytes,
    serializer: raw.serializer,
    invalidationRules: raw.invalidationRules ?? [],
    monitoring: resolveMonitoring(raw.monitoring, env),
    raw,
  };
}

/** maxValueBytes: the option, else CACHE_MAX_VALUE_BYTES ("false" or "0": no limit), else 1 MiB. */
function sizeLimit(raw: CacheModuleOptions, env: Env): number | false {
  if (raw.maxValueBytes === false) return false;
  if (raw.maxValueBytes !== undefined) return positiveInt('maxValueBytes', raw.maxValueBytes);
  const text = env.CACHE_MAX_VALUE_BYTES?.toLowerCase();
  if (text === undefined || text === '') return 1024 * 1024;
  if (text === 'false' || text === '0') return false;
  return positiveInt('CACHE_MAX_VALUE_BYTES', Number(text));
}

function defaultUserId(req: unknown): string | undefined {
  const id = (req as { user?: { id?: unknown } } | undefined)?.user?.id;
  return id === undefined || id === null ? undefined : String(id);
}

function redisConnection(raw: CacheModuleOptions, env: Env): RedisConnection | null {
  const given = 'redis' in raw ? raw.redis : undefined;
  if (given === null) return null;
  if (given === undefined) {
    if (!env.REDIS_URL) return null;
    const url = redisUrl('REDIS_URL', env.REDIS_URL);
    if (env.REDIS_PASSWORD) url.password = encodeURIComponent(env.REDIS_PASSWORD);
    if (env.REDIS_DB !== undefined && env.REDIS_DB !== '') {
      const db = Number(env.REDIS_DB);
      if (!Number.isInteger(db) || db < 0)
        throw new CacheOptionsError('REDIS_DB', 'expected an integer >= 0', env.REDIS_DB);
      url.pathname = `/${db}`;
    }
    return url.toString();
  }
  if (typeof given === 'string') {
    redisUrl('redis', given);
    return given;
  }
  if (typeof given !== 'object')
    throw new CacheOptionsError('redis', 'expected a URL or an options object', given);
  if ('cluster' in given && (!Array.isArray(given.cluster) || given.cluster.length === 0)) {
    throw new CacheOptionsError(
      'redis.cluster',
      'expected a non-empty list of nodes',
      given.cluster,
    );
  }
  if (
    'client' in given &&
    (!given.client || typeof (given.client as { get?: unknown }).get !== 'function')
  ) {
    throw new CacheOptionsError(
      'redis.client',
      'expected an ioredis Redis or Cluster instance',
      given.client,
    );
  }
  return given;
}

function redisUrl(option: string, value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CacheOptionsError(option, 'not a valid URL', value);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new CacheOptionsError(option, 'the URL scheme must be redis:// or rediss://', value);
  }
  return url;
}

function adminPath(value: unknown): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_\-/]{1,100}$/.test(value)) {
    throw new CacheOptionsError('admin.path', 'use letters, digits, "-", "_" and "/"', value);
  }
  return value.replace(/^\/+|\/+$/g, '');
}
