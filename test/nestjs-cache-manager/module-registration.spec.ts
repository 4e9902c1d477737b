// CacheModule.register / registerAsync with @nestjs/cache-manager's options (sync, useFactory,
// useClass, useExisting, extraProviders, isGlobal, stores), on a real Redis.
import { createKeyv } from '@keyv/redis';
import { Inject, Injectable, Logger, Module, Optional } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import type { Cache as CacheManagerCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { CacheOptionsError } from '@app/cache';
import {
  Cache,
  CACHE_MANAGER,
  CacheModule,
  type CacheModuleOptions,
  type CacheOptionsFactory,
} from '@app/cache/nestjs-cache-manager';
import { RedisServer } from '../support/redis-server';
import { bootCompatApp, uniquePrefix, type CompatApp } from './compat-app';

jest.setTimeout(30_000);

const CACHE_TTL_MS = Symbol('CACHE_TTL_MS');

let redis: RedisServer;
let apps: CompatApp[] = [];
let prefix: string;

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.shutdown());
beforeEach(() => {
  prefix = uniquePrefix('ncm-module');
});
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
  jest.restoreAllMocks();
});

async function boot(imports: Parameters<typeof bootCompatApp>[0]['imports']): Promise<CompatApp> {
  const app = await bootCompatApp({ imports });
  apps.push(app);
  return app;
}

/** ms left on a fresh entry written with the module's default TTL, and where it landed. */
async function defaultTtlOf({ app }: CompatApp, keyPrefix = prefix): Promise<number> {
  const cache = app.get<string, CacheManagerCache>(CACHE_MANAGER);
  await cache.set('probe', 'v');
  expect(await redis.cli('exists', `${keyPrefix}:v2:d:probe`)).toBe('1');
  return (await cache.ttl('probe'))! - Date.now();
}

@Injectable()
class CacheConfigService implements CacheOptionsFactory {
  createCacheOptions(): CacheModuleOptions {
    return { ttl: 7_000, redis: redis.url, keyPrefix: prefix };
  }
}

@Module({ providers: [CacheConfigService], exports: [CacheConfigService] })
class CacheConfigModule {}

describe('CacheModule.register', () => {
  it('provides CACHE_MANAGER and the Cache class token, one object with cache-manager’s type', async () => {
    const compat = await boot([
      CacheModule.register({ ttl: 5_000, redis: redis.url, keyPrefix: prefix }),
    ]);
    const byClass = compat.app.get(Cache);
    // compile-time: our Cache is usable wherever cache-manager's is expected
    const typed: CacheManagerCache = byClass;
    expect(compat.app.get(CACHE_MANAGER)).toBe(typed);
    const left = await defaultTtlOf(compat);
    expect(left).toBeGreaterThan(3_500);
    expect(left).toBeLessThanOrEqual(6_000);
  });

  it('a ttl that is not milliseconds >= 0 fails, naming the option', () => {
    expect(() => CacheModule.register({ ttl: -1 })).toThrow(CacheOptionsError);
    expect(() => CacheModule.register({ ttl: -1 })).toThrow(/"ttl"/);
  });

  it('namespace (Keyv’s) becomes the keyPrefix when none is given', async () => {
    const namespace = uniquePrefix('legacy');
    const compat = await boot([CacheModule.register({ namespace, redis: redis.url })]);
    expect(await defaultTtlOf(compat, namespace)).toBeGreaterThan(0);
  });

  it('without isGlobal, CACHE_MANAGER is visible to the importing module only', async () => {
    @Injectable()
    class MaybeCache {
      constructor(@Optional() @Inject(CACHE_MANAGER) readonly cache?: CacheManagerCache) {}
    }
    @Module({ providers: [MaybeCache], exports: [MaybeCache] })
    class FeatureModule {}
    const options = { redis: redis.url, keyPrefix: prefix };
    const local = await boot([CacheModule.register(options), FeatureModule]);
    expect(local.app.get(MaybeCache).cache).toBeUndefined();
    const global = await boot([
      CacheModule.register({ ...options, isGlobal: true }),
      FeatureModule,
    ]);
    expect(global.app.get(MaybeCache).cache).toBe(global.app.get(CACHE_MANAGER));
  });
});

describe('CacheModule.registerAsync', () => {
  it('useFactory with imports and inject (ConfigService)', async () => {
    const compat = await boot([
      CacheModule.registerAsync({
        imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ TTL: 4_000 })] })],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          ttl: config.get<number>('TTL'),
          redis: redis.url,
          keyPrefix: prefix,
        }),
      }),
    ]);
    const left = await defaultTtlOf(compat);
    expect(left).toBeGreaterThan(2_500);
    expect(left).toBeLessThanOrEqual(5_000);
  });

  it('useFactory injecting one of extraProviders', async () => {
    const compat = await boot([
      CacheModule.registerAsync({
        extraProviders: [{ provide: CACHE_TTL_MS, useValue: 9_000 }],
        inject: [CACHE_TTL_MS],
        useFactory: async (ttl: number) => ({ ttl, redis: redis.url, keyPrefix: prefix }),
      }),
    ]);
    const left = await defaultTtlOf(compat);
    expect(left).toBeGreaterThan(7_500);
    expect(left).toBeLessThanOrEqual(10_000);
  });

  it('useClass', async () => {
    const compat = await boot([CacheModule.registerAsync({ useClass: CacheConfigService })]);
    const left = await defaultTtlOf(compat);
    expect(left).toBeGreaterThan(5_500);
    expect(left).toBeLessThanOrEqual(8_000);
  });

  it('useExisting, from an imported module', async () => {
    const compat = await boot([
      CacheModule.registerAsync({ imports: [CacheConfigModule], useExisting: CacheConfigService }),
    ]);
    expect(await defaultTtlOf(compat)).toBeLessThanOrEqual(8_000);
  });

  it('isGlobal makes CACHE_MANAGER visible everywhere', async () => {
    @Injectable()
    class Elsewhere {
      constructor(@Inject(CACHE_MANAGER) readonly cache: CacheManagerCache) {}
    }
    @Module({ providers: [Elsewhere] })
    class OtherModule {}
    const compat = await boot([
      CacheModule.registerAsync({
        isGlobal: true,
        useFactory: () => ({ redis: redis.url, keyPrefix: prefix }),
      }),
      OtherModule,
    ]);
    expect(compat.app.get(Elsewhere).cache).toBe(compat.app.get(CACHE_MANAGER));
  });

  it('a bad ttl from the factory fails bootstrap, naming the option', async () => {
    await expect(
      Test.createTestingModule({
        imports: [CacheModule.registerAsync({ useFactory: () => ({ ttl: Number.NaN }) })],
      }).compile(),
    ).rejects.toThrow(/"ttl"/);
  });
});

describe('stores (Keyv)', () => {
  it('uses the Redis of a @keyv/redis store, with one warning that says so', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const keyvRedis = createKeyv(redis.url);
    const compat = await boot([
      CacheModule.registerAsync({
        useFactory: () => ({ stores: [new Keyv(), keyvRedis], keyPrefix: prefix }),
      }),
    ]);
    expect(await defaultTtlOf(compat)).toBeGreaterThan(0);
    const warnings = warn.mock.calls.map(([message]) => String(message));
    const about = warnings.filter((m) => m.includes('`stores`'));
    expect(about).toHaveLength(1);
    expect(about[0]).toContain(`Redis taken from the @keyv/redis store: ${redis.url}`);
    // the store itself is never used, so it never opened a connection
    expect(keyvRedis.store.client.isOpen).toBe(false);
  });

  it('accepts several stores beside our redis option, warns once, and works', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const compat = await boot([
      CacheModule.register({
        stores: [new Keyv(), new Keyv({ store: new Map() })],
        redis: redis.url,
        keyPrefix: prefix,
      }),
    ]);
    expect(await defaultTtlOf(compat)).toBeGreaterThan(0);
    const about = warn.mock.calls.map(([m]) => String(m)).filter((m) => m.includes('`stores`'));
    expect(about).toEqual([expect.stringContaining('as the `redis` option names it')]);
  });
});
