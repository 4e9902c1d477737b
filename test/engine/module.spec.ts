// CacheModule and RedisService as an application meets them: forRoot / forRootAsync, the
// environment, bootstrap validation, and who closes which connection.
import { ConfigModule, ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { CacheModule, type CacheModuleOptions } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { bootCache, bootModule, uniquePrefix, withEnv, type CacheApp } from './boot-cache';

jest.setTimeout(20_000);

const CACHE_ENV = ['REDIS_URL', 'REDIS_PASSWORD', 'REDIS_DB', 'CACHE_PREFIX', 'CACHE_DEFAULT_TTL'];

let server: RedisServer;
let apps: CacheApp[] = [];
let restoreEnv: () => void;
let prefix: string;

beforeAll(async () => {
  server = await RedisServer.start();
});
afterAll(() => server?.shutdown());
beforeEach(() => {
  // whatever the machine running the tests has set must not leak into them
  restoreEnv = withEnv(Object.fromEntries(CACHE_ENV.map((name) => [name, undefined])));
  prefix = uniquePrefix('mod');
});
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()));
  apps = [];
  restoreEnv();
});

async function boot(imports: Parameters<typeof bootModule>[0]): Promise<CacheApp> {
  const app = await bootModule(imports);
  apps.push(app);
  return app;
}

/** Connections the server has open under a client name. */
async function connectionsNamed(name: string): Promise<number> {
  const list = await server.cli('client', 'list');
  return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
}

describe('forRoot / forRootAsync', () => {
  it('forRoot() with no argument and no REDIS_URL runs on memory alone', async () => {
    const { cache, redis, engine } = await boot([CacheModule.forRoot()]);
    expect(redis.status).toBe('disabled');
    expect(redis.client).toBeNull();
    await expect(redis.ping()).rejects.toThrow(/not configured/);
    expect(engine.options).toMatchObject({ keyPrefix: 'cache', defaultTtl: 300 });
    await cache.set('k', { ok: true });
    expect(await cache.get('k')).toEqual({ ok: true });
    expect(await cache.ttl('k')).toBe(300);
  });

  it('forRootAsync with ConfigService uses the Redis the configuration names', async () => {
    const { cache, redis } = await boot([
      CacheModule.forRootAsync({
        imports: [
          ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ REDIS_URL: server.url })] }),
        ],
        inject: [ConfigService],
        useFactory: (config: ConfigService) => ({
          redis: config.get<string>('REDIS_URL'),
          keyPrefix: prefix,
        }),
      }),
    ]);
    expect(redis.status).toBe('ready');
    await cache.set('k', 'v');
    expect(await server.cli('exists', `${prefix}:v2:d:k`)).toBe('1');
  });

  it('honours REDIS_URL, REDIS_DB, CACHE_PREFIX and CACHE_DEFAULT_TTL', async () => {
    withEnv({
      REDIS_URL: server.url,
      REDIS_DB: '3',
      CACHE_PREFIX: prefix,
      CACHE_DEFAULT_TTL: '77',
    });
    const { cache, redis } = await boot([CacheModule.forRoot()]);
    expect(redis.status).toBe('ready');
    await cache.set('k', 'v');
    expect(await server.cli('-n', '3', 'exists', `${prefix}:v2:d:k`)).toBe('1');
    expect(await server.cli('exists', `${prefix}:v2:d:k`)).toBe('0');
    const pttl = Number(await server.cli('-n', '3', 'pttl', `${prefix}:v2:d:k`));
    expect(pttl).toBeGreaterThan(70_000);
    expect(pttl).toBeLessThanOrEqual(77_000);
    expect(await cache.ttl('k')).toBe(77);
  });

  it('authenticates with REDIS_PASSWORD, whatever characters it holds', async () => {
    const password = 'p@ss:w/rd%#?';
    const secured = await RedisServer.start(); // the harness's readiness PING has no password
    try {
      await secured.cli('config', 'set', 'requirepass', password);
      withEnv({ REDIS_URL: secured.url, REDIS_PASSWORD: password, CACHE_PREFIX: prefix });
      const { cache, redis } = await boot([CacheModule.forRoot()]);
      expect(redis.status).toBe('ready');
      await cache.set('k', 'v');
      const cli = (...args: string[]) => secured.cli('-a', password, '--no-auth-warning', ...args);
      expect(await cli('exists', `${prefix}:v2:d:k`)).toBe('1');
    } finally {
      await Promise.all(apps.splice(0).map((a) => a.close()));
      await secured.shutdown();
    }
  });
});

describe('bootstrap validation', () => {
  const failing: [string, CacheModuleOptions, RegExp][] = [
    ['a negative defaultTtl', { defaultTtl: -1 }, /cache option "defaultTtl"/],
    ['a malformed Redis URL', { redis: 'http://x' }, /cache option "redis"/],
    ['no room in memory', { memory: { maxEntries: 0 } }, /cache option "memory\.maxEntries"/],
  ];

  it.each(failing)('%s fails bootstrap, naming the option', async (_what, options, message) => {
    const compiling = Test.createTestingModule({
      imports: [CacheModule.forRoot(options)],
    }).compile();
    await expect(compiling).rejects.toThrow(message);
  });

  it('an option from forRootAsync is validated the same way', async () => {
    const module = CacheModule.forRootAsync({ useFactory: () => ({ defaultTtl: -5 }) });
    const compiling = Test.createTestingModule({ imports: [module] }).compile();
    await expect(compiling).rejects.toThrow(/cache option "defaultTtl"/);
  });

  it('CACHE_DEFAULT_TTL=abc fails bootstrap, naming the variable', async () => {
    withEnv({ CACHE_DEFAULT_TTL: 'abc' });
    const compiling = Test.createTestingModule({ imports: [CacheModule.forRoot()] }).compile();
    await expect(compiling).rejects.toThrow(/cache option "CACHE_DEFAULT_TTL"/);
  });
});

describe('RedisService', () => {
  it('ping() measures latency and info() parses INFO', async () => {
    const { redis } = await boot([CacheModule.forRoot({ redis: server.url, keyPrefix: prefix })]);
    const latency = await redis.ping();
    expect(typeof latency).toBe('number');
    expect(latency).toBeGreaterThan(0);
    const info = await redis.info();
    expect(info.redis_version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(info.tcp_port)).toBe(server.port);
    expect(Number((await redis.info('memory')).used_memory)).toBeGreaterThan(0);
  });

  it('closes the connections it opened when the application closes', async () => {
    const name = `owned-${prefix}`;
    const app = await bootCache({
      redis: { host: server.host, port: server.port, connectionName: name },
      keyPrefix: prefix,
    });
    // the cache connection and the bus subscriber
    expect(await connectionsNamed(name)).toBe(2);
    await app.close();
    await waitFor(async () => (await connectionsNamed(name)) === 0, {
      message: 'the library left a connection open',
    });
    await waitFor(() => app.redis.client?.status === 'end', { message: 'the client did not end' });
  });

  it('never closes a client it was given', async () => {
    const name = `given-${prefix}`;
    const client = new Redis(server.url, { connectionName: name });
    try {
      await waitFor(() => client.status === 'ready', {
        message: 'the given client never connected',
      });
      const app = await bootCache({ redis: { client }, keyPrefix: prefix });
      expect(app.redis.status).toBe('ready');
      await app.cache.set('k', 'v');
      expect(await client.exists(`${prefix}:v2:d:k`)).toBe(1);
      expect(await connectionsNamed(name)).toBe(2); // the given client and the library's subscriber

      await app.close();
      await waitFor(async () => (await connectionsNamed(name)) === 1, {
        message: "the library's subscriber stayed open",
      });
      expect(client.status).toBe('ready');
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });
});
