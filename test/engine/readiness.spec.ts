// The cache is usable as soon as the application has started: no waiting helper, as a user
// would write it. With Redis down at boot, the app still starts within connectTimeoutMs.
import { Controller, Get, Module, type INestApplication, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { Cached, CacheModule, CacheService, RedisService } from '@app/cache';
import { freePort, RedisServer } from '../support/redis-server';
import { uniquePrefix } from '../support/cache-app';

jest.setTimeout(20_000);

let server: RedisServer;
const opened: { close(): Promise<void> }[] = [];

beforeAll(async () => (server = await RedisServer.start()));
afterEach(async () => {
  await Promise.all(opened.splice(0).map((app) => app.close()));
});
afterAll(() => server?.shutdown());

class Warnings implements LoggerService {
  readonly lines: string[] = [];
  log(): void {}
  error(): void {}
  warn(message: unknown): void {
    this.lines.push(String(message));
  }
}

async function context(prefix: string, redis: string = server.url, logger?: LoggerService) {
  @Module({ imports: [CacheModule.forRoot({ redis, keyPrefix: prefix, admin: false })] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, {
    logger: logger ?? false,
    abortOnError: false,
  });
  opened.push(app);
  return app;
}

describe('ready when init resolves', () => {
  it('Redis is ready and the first set in one instance is read by another', async () => {
    const prefix = uniquePrefix('ready');
    const a = await context(prefix);
    expect(a.get(RedisService).status).toBe('ready');
    await a.get(CacheService).set('first', { n: 1 });
    const b = await context(prefix);
    expect(b.get(RedisService).status).toBe('ready');
    expect(await b.get(CacheService).get('first')).toEqual({ n: 1 });
    // and the write really is in Redis, not only in A's memory
    expect(await server.cli('EXISTS', `${prefix}:v2:d:first`)).toBe('1');
  });

  it('an invalidation right after boot reaches the other instance through the bus', async () => {
    const prefix = uniquePrefix('ready-bus');
    const a = await context(prefix);
    const b = await context(prefix);
    await a.get(CacheService).set('k', 'old');
    expect(await b.get(CacheService).get('k')).toBe('old'); // now in B's memory too
    await a.get(CacheService).set('k', 'new');
    const deadline = Date.now() + 2_000;
    while ((await b.get(CacheService).get('k')) !== 'new' && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await b.get(CacheService).get('k')).toBe('new');
  });

  it('the first request of a cached route is a MISS and the second a HIT, right after listen', async () => {
    let calls = 0;
    @Controller('items')
    class ItemsController {
      @Get()
      @Cached({ ttl: 60 })
      list() {
        return { calls: ++calls };
      }
    }
    @Module({
      imports: [CacheModule.forRoot({ redis: server.url, keyPrefix: uniquePrefix('route') })],
      controllers: [ItemsController],
    })
    class AppModule {}
    const app: INestApplication = await NestFactory.create(AppModule, { logger: false });
    opened.push(app);
    await app.listen(0, '127.0.0.1');
    const first = await request(app.getHttpServer()).get('/items').expect(200);
    const second = await request(app.getHttpServer()).get('/items').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.body).toEqual({ calls: 1 });
  });
});

describe('Redis down at boot', () => {
  it('boots within connectTimeoutMs, warns once, and serves from memory', async () => {
    const port = await freePort(); // nothing listens there
    const warnings = new Warnings();
    @Module({
      imports: [
        CacheModule.forRoot({
          redis: `redis://127.0.0.1:${port}`,
          keyPrefix: uniquePrefix('down'),
          admin: false,
          resilience: { connectTimeoutMs: 400 },
        }),
      ],
    })
    class AppModule {}
    const started = performance.now();
    const app = await NestFactory.createApplicationContext(AppModule, {
      logger: warnings,
      abortOnError: false,
    });
    opened.push(app);
    const bootMs = performance.now() - started;
    // a bound, not a benchmark: init waited for Redis, but not past connectTimeoutMs (+ slack
    // for module compilation on a busy machine)
    expect(bootMs).toBeGreaterThanOrEqual(400);
    expect(bootMs).toBeLessThan(400 + 1_500);
    expect(app.get(RedisService).status).not.toBe('ready');
    const notUsable = warnings.lines.filter((line) => /not usable after 400 ms/.test(line));
    expect(notUsable).toHaveLength(1);
    const cache = app.get(CacheService);
    await cache.set('k', 'memory');
    expect(await cache.get('k')).toBe('memory');
  });
});
