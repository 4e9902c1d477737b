import { CacheOptionsError } from '../errors';
import type { CacheModuleOptions } from './cache-options.interface';
import { resolveOptions } from './resolve-options';

/** The error resolveOptions throws (it must throw one). */
function failure(raw: CacheModuleOptions, env: Record<string, string> = {}): CacheOptionsError {
  try {
    resolveOptions(raw, env);
  } catch (err) {
    expect(err).toBeInstanceOf(CacheOptionsError);
    return err as CacheOptionsError;
  }
  throw new Error(`resolveOptions accepted ${JSON.stringify(raw)} with ${JSON.stringify(env)}`);
}

describe('resolveOptions defaults', () => {
  it('with nothing given and an empty environment: memory only, documented defaults', () => {
    const options = resolveOptions({}, {});
    expect(options).toMatchObject({
      redis: null,
      keyPrefix: 'cache',
      defaultTtl: 300,
      namespaces: {},
      memory: { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, ttl: 0 },
      enabled: true,
      admin: { path: 'cache', token: undefined, dashboard: true },
      warmup: { onStartup: true, startupTimeoutMs: 5_000 },
      http: { headers: true, etag: true },
      lock: { enabled: false },
      grace: 0,
      compressThreshold: 16_384,
      invalidationRules: [],
    });
    expect(options.warmup.cron).toBeUndefined();
  });

  it('identifies the user as req.user.id, as a string, by default', () => {
    const { userId } = resolveOptions({}, {}).http;
    expect(userId({ user: { id: 42 } })).toBe('42');
    expect(userId({ user: { id: null } })).toBeUndefined();
    expect(userId({})).toBeUndefined();
    expect(userId(undefined)).toBeUndefined();
  });

  it('keeps what was given, and the raw options', () => {
    const raw: CacheModuleOptions = {
      keyPrefix: 'shop',
      defaultTtl: 0,
      namespaces: { availability: { ttl: 60, staleWhileRevalidate: 10 } },
      memory: false,
      admin: false,
      compressThreshold: false,
    };
    const options = resolveOptions(raw, {});
    expect(options).toMatchObject({
      keyPrefix: 'shop',
      defaultTtl: 0,
      memory: false,
      admin: false,
    });
    expect(options.namespaces.availability).toEqual({ ttl: 60, staleWhileRevalidate: 10 });
    expect(options.compressThreshold).toBe(false);
    expect(options.raw).toBe(raw);
  });

  it('reads process.env when no environment is passed', () => {
    const saved = process.env.CACHE_PREFIX;
    process.env.CACHE_PREFIX = 'from-process-env';
    try {
      expect(resolveOptions().keyPrefix).toBe('from-process-env');
    } finally {
      if (saved === undefined) delete process.env.CACHE_PREFIX;
      else process.env.CACHE_PREFIX = saved;
    }
  });
});

describe('resolveOptions environment', () => {
  const env = {
    REDIS_URL: 'redis://cache.internal:6380',
    REDIS_PASSWORD: 'p@ss:w/rd%',
    REDIS_DB: '2',
    CACHE_PREFIX: 'env-prefix',
    CACHE_DEFAULT_TTL: '60',
    CACHE_ENABLED: 'false',
    CACHE_ADMIN_TOKEN: 'env-token-123',
  };

  it('applies every variable when the options are silent', () => {
    const options = resolveOptions({}, env);
    expect(options).toMatchObject({ keyPrefix: 'env-prefix', defaultTtl: 60, enabled: false });
    expect(options.admin && options.admin.token).toBe('env-token-123');
    const url = new URL(options.redis as string);
    expect([url.hostname, url.port, url.pathname]).toEqual(['cache.internal', '6380', '/2']);
    expect(decodeURIComponent(url.password)).toBe('p@ss:w/rd%');
  });

  it('lets the options win over the environment', () => {
    const raw = {
      redis: 'redis://given:1',
      keyPrefix: 'given',
      defaultTtl: 5,
      enabled: true,
      admin: { token: 'given-token-1' },
    };
    expect(resolveOptions(raw, env)).toMatchObject({ ...raw, admin: { token: 'given-token-1' } });
    expect(resolveOptions({ redis: null }, env).redis).toBeNull();
  });

  it.each([
    ['true', true],
    ['1', true],
    ['YES', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['Off', false],
    ['', true],
  ])('reads CACHE_ENABLED=%j as %s', (text, enabled) => {
    expect(resolveOptions({}, { CACHE_ENABLED: text }).enabled).toBe(enabled);
  });

  it('ignores empty variables', () => {
    const options = resolveOptions({}, { REDIS_URL: '', CACHE_DEFAULT_TTL: '', REDIS_DB: '' });
    expect(options).toMatchObject({ redis: null, defaultTtl: 300 });
  });
});

describe('resolveOptions errors name the option', () => {
  it.each<[string, CacheModuleOptions]>([
    ['keyPrefix', { keyPrefix: 'has space' }],
    ['keyPrefix', { keyPrefix: 'x'.repeat(65) }],
    ['defaultTtl', { defaultTtl: -1 }],
    ['defaultTtl', { defaultTtl: Number.NaN }],
    ['defaultTtl', { defaultTtl: '60' as unknown as number }],
    ['namespaces.bad name', { namespaces: { 'bad name': {} } }],
    ['namespaces.glob*', { namespaces: { 'glob*': {} } }],
    ['namespaces.ns.ttl', { namespaces: { ns: { ttl: -1 } } }],
    ['namespaces.ns.staleWhileRevalidate', { namespaces: { ns: { staleWhileRevalidate: -1 } } }],
    ['namespaces.ns.grace', { namespaces: { ns: { grace: Infinity } } }],
    ['memory.maxEntries', { memory: { maxEntries: 0 } }],
    ['memory.maxEntries', { memory: { maxEntries: 1.5 } }],
    ['memory.maxBytes', { memory: { maxBytes: -1 } }],
    ['memory.ttl', { memory: { ttl: -1 } }],
    ['resilience.commandTimeoutMs', { resilience: { commandTimeoutMs: 0 } }],
    ['resilience.breakerThreshold', { resilience: { breakerThreshold: 0.5 } }],
    ['lock.ttlMs', { lock: { ttlMs: 0 } }],
    ['lock.waitMs', { lock: { waitMs: -1 } }],
    ['reaper.enabled', { reaper: { enabled: 'yes' as unknown as boolean } }],
    ['reaper.batchSize', { reaper: { batchSize: 0 } }],
    ['reaper.pauseMs', { reaper: { pauseMs: -1 } }],
    ['admin.path', { admin: { path: 'no spaces allowed' } }],
    ['admin.token', { admin: { token: 'short' } }],
    ['admin.dashboard', { admin: { dashboard: 'no' as unknown as boolean } }],
    ['warmup.startupTimeoutMs', { warmup: { startupTimeoutMs: 0 } }],
    ['grace', { grace: -1 }],
    ['compressThreshold', { compressThreshold: 0 }],
    ['maxValueBytes', { maxValueBytes: 0 }],
    ['maxValueBytes', { maxValueBytes: 1.5 }],
    ['serializer', { serializer: { name: 'no spaces', encode: String, decode: String } }],
    ['serializer', { serializer: { name: 'x', encode: String } as never }],
    ['invalidationRules[1].path', { invalidationRules: [{ path: '/ok' }, { path: 'no-slash' }] }],
    ['redis', { redis: 'http://x' }],
    ['redis', { redis: 'not a url' }],
    ['redis', { redis: 42 as unknown as string }],
    ['redis.cluster', { redis: { cluster: [] } }],
    ['redis.client', { redis: { client: {} as never } }],
    ['redis.client', { redis: { client: null as never } }],
  ])('%s ← %j', (option, raw) => {
    const err = failure(raw);
    expect(err.message).toContain(`Invalid cache option "${option}"`);
  });

  it.each<[string, Record<string, string>]>([
    ['CACHE_DEFAULT_TTL', { CACHE_DEFAULT_TTL: 'abc' }],
    ['CACHE_DEFAULT_TTL', { CACHE_DEFAULT_TTL: '-5' }],
    ['CACHE_PREFIX', { CACHE_PREFIX: 'bad prefix' }],
    ['CACHE_ENABLED', { CACHE_ENABLED: 'maybe' }],
    ['CACHE_ADMIN_TOKEN', { CACHE_ADMIN_TOKEN: 'short' }],
    ['CACHE_MAX_VALUE_BYTES', { CACHE_MAX_VALUE_BYTES: 'lots' }],
    ['REDIS_URL', { REDIS_URL: 'localhost:6379' }],
    ['REDIS_DB', { REDIS_URL: 'redis://h:1', REDIS_DB: 'x' }],
    ['REDIS_DB', { REDIS_URL: 'redis://h:1', REDIS_DB: '-1' }],
  ])('%s ← %j', (variable, env) => {
    expect(failure({}, env).message).toContain(`Invalid cache option "${variable}"`);
  });

  it('maxValueBytes: 1 MiB by default, false for none, or from CACHE_MAX_VALUE_BYTES', () => {
    expect(resolveOptions({}, {}).maxValueBytes).toBe(1024 * 1024);
    expect(resolveOptions({ maxValueBytes: false }, {}).maxValueBytes).toBe(false);
    expect(resolveOptions({}, { CACHE_MAX_VALUE_BYTES: '2048' }).maxValueBytes).toBe(2048);
    expect(resolveOptions({}, { CACHE_MAX_VALUE_BYTES: 'false' }).maxValueBytes).toBe(false);
    expect(
      resolveOptions({ maxValueBytes: 10 }, { CACHE_MAX_VALUE_BYTES: '20' }).maxValueBytes,
    ).toBe(10);
  });

  it('says what was wrong and what was given, but never shows a token', () => {
    expect(failure({ defaultTtl: -1 }).message).toMatch(/seconds >= 0 \(got -1\)/);
    expect(failure({ admin: { token: 'secret' } }).message).not.toContain('secret');
    expect(failure({}, { CACHE_ADMIN_TOKEN: 'secret' }).message).not.toContain('secret');
    expect(failure({ redis: 'http://x' }).message).toMatch(/redis:\/\/ or rediss:\/\//);
  });
});
