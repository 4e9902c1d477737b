// CacheInterceptor, @CacheKey and @CacheTTL behave as @nestjs/cache-manager's do, on Express and
// Fastify, on a real Redis: keys, TTLs (ms) on handler and controller, X-Cache, which requests
// are cached, falsy values, streams, subclass hooks, and writes that never hold a response.
import type { Cache } from 'cache-manager';
import request from 'supertest';
import { CACHE_MANAGER, CacheModule } from '@app/cache/nestjs-cache-manager';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { bootCompatApp, uniquePrefix, type CompatApp } from './compat-app';
import {
  ClassTtlController,
  ItemsController,
  SearchController,
  TenantController,
} from './interceptor.fixtures';

jest.setTimeout(30_000);

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(() => redis?.shutdown());

const CONTROLLERS = [ItemsController, ClassTtlController, TenantController, SearchController];

describe.each(['express', 'fastify'] as const)('CacheInterceptor on %s', (platform) => {
  let compat: CompatApp;
  let cache: Cache;
  let items: ItemsController;
  let prefix: string;

  beforeAll(async () => {
    prefix = uniquePrefix(`ncm-${platform}`);
    compat = await bootCompatApp(
      {
        imports: [CacheModule.register({ ttl: 10_000, redis: redis.url, keyPrefix: prefix })],
        controllers: CONTROLLERS,
      },
      platform,
    );
    cache = compat.app.get(CACHE_MANAGER);
    items = compat.app.get(ItemsController);
  });
  afterAll(() => compat?.close());

  const get = (path: string) => request(compat.server).get(path).expect(200);

  /** ms left on an entry once the interceptor's (non-blocking) write has landed */
  async function msLeft(key: string): Promise<number> {
    let expires: number | undefined;
    await waitFor(async () => (expires = await cache.ttl(key)) !== undefined, {
      message: `${key} was never cached`,
    });
    return expires! - Date.now();
  }

  it('keys by URL (query included), MISS then HIT, with the module ttl', async () => {
    const miss = await get('/items/default?page=1');
    expect(miss.headers['x-cache']).toBe('MISS');
    const left = await msLeft('/items/default?page=1');
    expect(left).toBeGreaterThan(8_500);
    expect(left).toBeLessThanOrEqual(11_000);
    const hit = await get('/items/default?page=1');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
    const otherUrl = await get('/items/default?page=2');
    expect(otherUrl.headers['x-cache']).toBe('MISS');
    expect(items.runs.default).toBe(2);
  });

  it('@CacheTTL on the handler, and as a function of the context', async () => {
    await get('/items/handler-ttl');
    const left = await msLeft('/items/handler-ttl');
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(3_000);
    await get('/items/ttl-factory?ttl=40000');
    const factoryLeft = await msLeft('/items/ttl-factory?ttl=40000');
    expect(factoryLeft).toBeGreaterThan(38_000);
    expect(factoryLeft).toBeLessThanOrEqual(41_000);
  });

  it('@CacheTTL on the controller, overridden by the handler’s', async () => {
    await get('/class-ttl');
    const left = await msLeft('/class-ttl');
    expect(left).toBeGreaterThan(5_500);
    expect(left).toBeLessThanOrEqual(8_000);
    await get('/class-ttl/override');
    const overridden = await msLeft('/class-ttl/override');
    expect(overridden).toBeGreaterThan(1_500);
    expect(overridden).toBeLessThanOrEqual(4_000);
  });

  it('an entry expires after its TTL and the handler runs again', async () => {
    await get('/items/short');
    await msLeft('/items/short');
    await waitFor(async () => (await get('/items/short')).headers['x-cache'] === 'MISS', {
      message: 'a 300 ms entry was still served',
    });
    expect(items.runs.short).toBeGreaterThanOrEqual(2);
  });

  it('@CacheKey replaces the URL, as a string or a function of the context', async () => {
    const miss = await get('/items/key?ignored=1');
    await msLeft('fixed-key');
    const hit = await get('/items/key?ignored=2');
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(await cache.get('fixed-key')).toEqual(miss.body);

    await get('/items/key-factory?id=7');
    expect(await msLeft('item:7')).toBeGreaterThan(0);
    expect((await get('/items/key-factory?id=7')).headers['x-cache']).toBe('HIT');
    expect((await get('/items/key-factory?id=8')).headers['x-cache']).toBe('MISS');
  });

  it('never caches a POST: no X-Cache header, the handler runs each time', async () => {
    const one = await request(compat.server).post('/items/create').expect(201);
    const two = await request(compat.server).post('/items/create').expect(201);
    expect(one.headers['x-cache']).toBeUndefined();
    expect(two.body.run).toBe(one.body.run + 1);
    expect(await cache.get('/items/create')).toBeUndefined();
  });

  it.each(['zero', 'empty', 'false'])(
    'caches the falsy value %s and serves it as a HIT',
    async (kind) => {
      const miss = await get(`/items/falsy/${kind}`);
      expect(miss.headers['x-cache']).toBe('MISS');
      await msLeft(`/items/falsy/${kind}`);
      const hit = await get(`/items/falsy/${kind}`);
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.text).toBe(miss.text);
      expect(items.runs[`falsy:${kind}`]).toBe(1);
    },
  );

  it('treats null as a miss, as NCM does: the handler runs every time', async () => {
    for (let i = 1; i <= 3; i++) {
      const res = await get('/items/falsy/null');
      expect(res.headers['x-cache']).toBe('MISS');
      expect(items.runs['falsy:null']).toBe(i);
    }
  });

  it('never caches a StreamableFile', async () => {
    await get('/items/file');
    const again = await get('/items/file');
    expect(again.headers['x-cache']).toBe('MISS');
    expect(items.runs.file).toBe(2);
  });

  it('a subclass’s trackBy and isRequestCacheable decide the key and what is cached', async () => {
    const tenants = compat.app.get(TenantController);
    const a1 = await get('/tenant').set('x-tenant', 'a');
    await msLeft('a:/tenant');
    expect((await get('/tenant').set('x-tenant', 'a')).body).toEqual(a1.body);
    expect((await get('/tenant').set('x-tenant', 'b')).headers['x-cache']).toBe('MISS');
    const skipped = await get('/tenant').set('x-tenant', 'a').set('cache-control', 'no-store');
    expect(skipped.headers['x-cache']).toBeUndefined();
    expect(tenants.runs).toBe(3);
  });

  it('a subclass’s allowedMethods lets POST be cached', async () => {
    const one = await request(compat.server).post('/search').expect(201);
    await msLeft('/search');
    const two = await request(compat.server).post('/search').expect(201);
    expect(two.headers['x-cache']).toBe('HIT');
    expect(two.body).toEqual(one.body);
  });
});

describe('our kill switch', () => {
  it('enabled: false (or CACHE_ENABLED=false) passes every request through', async () => {
    const compat = await bootCompatApp({
      imports: [CacheModule.register({ enabled: false, redis: null })],
      controllers: [ItemsController],
    });
    try {
      const first = await request(compat.server).get('/items/default').expect(200);
      const second = await request(compat.server).get('/items/default').expect(200);
      expect(first.headers['x-cache']).toBeUndefined();
      expect(second.body.run).toBe(first.body.run + 1);
    } finally {
      await compat.close();
    }
  });
});

describe('writes off the request path', () => {
  let compat: CompatApp;

  afterEach(async () => {
    await redis.cli('client', 'unpause');
    await compat?.close();
  });

  it('answers a MISS before its cache write has finished (Redis writes paused)', async () => {
    const prefix = uniquePrefix('ncm-nonblocking');
    compat = await bootCompatApp({
      imports: [
        CacheModule.register({
          redis: redis.url,
          keyPrefix: prefix,
          resilience: { commandTimeoutMs: 10_000 },
        }),
      ],
      controllers: [ItemsController],
    });
    const cache = compat.app.get<string, Cache>(CACHE_MANAGER);
    let written = false;
    cache.on('set', ({ key }) => {
      if (key === '/items/default') written = true;
    });
    // write commands (and scripts) now wait; reads go on
    await redis.cli('client', 'pause', '20000', 'WRITE');
    const res = await request(compat.server).get('/items/default').expect(200);
    expect(res.headers['x-cache']).toBe('MISS');
    expect(written).toBe(false);
    expect(await redis.cli('exists', `${prefix}:v2:d:/items/default`)).toBe('0');

    await redis.cli('client', 'unpause');
    await waitFor(() => written, { message: 'the write never completed' });
    expect(await redis.cli('exists', `${prefix}:v2:d:/items/default`)).toBe('1');
  });
});
