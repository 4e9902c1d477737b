// The NestJS caching docs' app (docs-app/app.module.ts), switched by its import path alone, end
// to end over HTTP on a real Redis: two instances of it share the cache.
import type { Cache } from 'cache-manager';
import request from 'supertest';
import { CACHE_MANAGER } from '@app/cache/nestjs-cache-manager';
import { withEnv } from '../engine/boot-cache';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { bootCompatApp, uniquePrefix, type CompatApp } from './compat-app';
import { AppModule, CatsController, CatsService } from './docs-app/app.module';

jest.setTimeout(30_000);

let redis: RedisServer;
let restoreEnv: () => void;
let prefix: string;
let a: CompatApp;
let b: CompatApp;

beforeAll(async () => {
  redis = await RedisServer.start();
  prefix = uniquePrefix('docs-app');
  restoreEnv = withEnv({
    REDIS_URL: redis.url,
    CACHE_PREFIX: prefix,
    CACHE_DEFAULT_TTL: undefined,
  });
  a = await bootCompatApp({ imports: [AppModule] });
  b = await bootCompatApp({ imports: [AppModule] });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  restoreEnv?.();
  await redis?.shutdown();
});

/** Milliseconds Redis keeps an entry, once the (non-blocking) write has landed. */
async function redisTtl(key: string): Promise<number> {
  let pttl = -2;
  await waitFor(async () => (pttl = Number(await redis.cli('pttl', `${prefix}:v2:d:${key}`))) > 0, {
    message: () => `${key} never reached Redis (PTTL ${pttl})`,
  });
  return pttl;
}

describe('the NestJS docs caching app on our engine', () => {
  it('caches GET /cats by URL with the controller @CacheTTL, in milliseconds', async () => {
    const first = await request(a.server).get('/cats').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.body).toEqual(['Tom', 'Garfield']);
    const ttl = await redisTtl('/cats');
    expect(ttl).toBeGreaterThan(45_000);
    expect(ttl).toBeLessThanOrEqual(50_000);

    const runs = a.app.get(CatsController).runs;
    const again = await request(a.server).get('/cats').expect(200);
    expect(again.headers['x-cache']).toBe('HIT');
    expect(again.body).toEqual(['Tom', 'Garfield']);
    expect(a.app.get(CatsController).runs).toBe(runs);

    // the other instance is served from the shared Redis tier without running its handler
    const other = await request(b.server).get('/cats').expect(200);
    expect(other.headers['x-cache']).toBe('HIT');
    expect(b.app.get(CatsController).runs).toBe(0);
  });

  it('keys a route by @CacheKey with the handler @CacheTTL over the controller one', async () => {
    const first = await request(a.server).get('/cats/custom').expect(200);
    expect(first.headers['x-cache']).toBe('MISS');
    const ttl = await redisTtl('custom_key');
    expect(ttl).toBeGreaterThan(15_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
    const hit = await request(a.server).get('/cats/custom').expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(first.body);
    expect(await a.app.get<string, Cache>(CACHE_MANAGER).get('custom_key')).toEqual(first.body);
  });

  it('never caches a POST', async () => {
    const one = await request(a.server).post('/cats').send({ name: 'Felix' }).expect(201);
    const two = await request(a.server).post('/cats').send({ name: 'Felix' }).expect(201);
    expect(one.headers['x-cache']).toBeUndefined();
    expect(two.body.run).toBe(one.body.run + 1);
  });

  it('the service’s get / set(ttl) / del work, and del reaches the other instance’s memory', async () => {
    const serviceA = a.app.get(CatsService);
    const serviceB = b.app.get(CatsService);
    expect(await serviceA.findOne('1')).toEqual({ id: '1', name: 'cat 1' });
    expect(await serviceA.findOne('1')).toEqual({ id: '1', name: 'cat 1' });
    expect(serviceA.loads).toBe(1);
    const ttl = Number(await redis.cli('pttl', `${prefix}:v2:d:cat:1`));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1000);

    // B renames (and deletes cat:1); A must stop serving its in-memory copy
    await request(b.server).post('/cats/1/name').send({ name: 'Tom' }).expect(201);
    const cacheA = a.app.get<string, Cache>(CACHE_MANAGER);
    await waitFor(async () => (await cacheA.get('cat:1')) === undefined, {
      message: 'instance A still serves cat:1 after B deleted it',
    });
    expect(serviceB.loads).toBe(0);
  });

  it('clear() empties the cache of every route and key', async () => {
    await request(a.server).get('/cats').expect(200);
    await redisTtl('/cats');
    await request(b.server).delete('/cats').expect(200);
    const after = await request(a.server).get('/cats').expect(200);
    expect(after.headers['x-cache']).toBe('MISS');
  });
});
