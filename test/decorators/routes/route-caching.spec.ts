import request from 'supertest';
import { RedisServer } from '../../support/redis-server';
import { waitFor } from '../../support/wait-for';
import { bootApp, PLATFORMS, uniquePrefix, type DecoratorsApp } from '../support/decorators-app';
import { ItemsController } from './routes.fixtures';

describe.each(PLATFORMS)('@Cached routes on %s', (platform) => {
  let redis: RedisServer;
  let app: DecoratorsApp;
  let items: ItemsController;
  let prefix: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.shutdown());

  beforeEach(async () => {
    prefix = uniquePrefix(`routes-${platform}`);
    app = await bootApp(
      { controllers: [ItemsController] },
      { redis: redis.url, keyPrefix: prefix },
      platform,
    );
    items = app.app.get(ItemsController);
  });
  afterEach(() => app.close());

  it('answers MISS then HIT with the same body, key, TTL and Age headers', async () => {
    const miss = await request(app.server).get('/items/7').expect(200);
    expect(miss.headers['x-cache']).toBe('MISS');
    expect(miss.body).toEqual({ id: '7', name: 'item 7', run: 1 });
    expect(miss.headers['x-cache-key']).toBe('items:item:7');
    expect(Number(miss.headers['x-cache-ttl-remaining'])).toBeGreaterThan(290);
    expect(miss.headers.age).toBe('0');

    const hit = await request(app.server).get('/items/7').expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
    expect(hit.body).toEqual(miss.body);
    expect(items.calls['item:7']).toBe(1);
    expect(await redis.cli('EXISTS', `${prefix}:v2:d:items:item:7`)).toBe('1');
  });

  it('caches plain-text bodies and shares the entry with HEAD', async () => {
    const miss = await request(app.server).get('/items/text').expect(200);
    expect(miss.text).toBe('plain 1');
    const head = await request(app.server).head('/items/text').expect(200);
    expect(head.headers['x-cache']).toBe('HIT');
    expect((await request(app.server).get('/items/text')).text).toBe('plain 1');
    expect(items.calls.text).toBe(1);
  });

  it('never caches other methods', async () => {
    await request(app.server).post('/items/1').expect(201);
    const again = await request(app.server).post('/items/1').expect(201);
    expect(again.headers['x-cache']).toBeUndefined();
    expect(items.calls.touch).toBe(2);
  });

  it('sends an ETag, and 304 without a body when If-None-Match matches', async () => {
    const first = await request(app.server).get('/items/3').expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/".+"$/);
    const notModified = await request(app.server)
      .get('/items/3')
      .set('If-None-Match', etag)
      .expect(304);
    expect(notModified.text ?? '').toBe('');
    expect(notModified.headers['x-cache']).toBe('HIT');
    const modified = await request(app.server)
      .get('/items/3')
      .set('If-None-Match', 'W/"other"')
      .expect(200);
    expect(modified.body.id).toBe('3');
    expect(modified.headers.etag).toBe(etag);
  });

  it('varies by the selected query parameters only', async () => {
    await request(app.server).get('/items/list?page=2&utm=a').expect(200);
    const same = await request(app.server).get('/items/list?utm=b&page=2').expect(200);
    expect(same.headers['x-cache']).toBe('HIT');
    expect(same.headers['x-cache-key']).toBe('ItemsController:GET /items/list?page=2');
    const other = await request(app.server).get('/items/list?page=3').expect(200);
    expect(other.headers['x-cache']).toBe('MISS');
    expect(other.body.page).toBe('3');
  });

  it('varies by the whole query by default, in any parameter order', async () => {
    await request(app.server).get('/items/search?q=a&sort=asc').expect(200);
    const reordered = await request(app.server).get('/items/search?sort=asc&q=a').expect(200);
    expect(reordered.headers['x-cache']).toBe('HIT');
    const other = await request(app.server).get('/items/search?q=b&sort=asc').expect(200);
    expect(other.headers['x-cache']).toBe('MISS');
    expect(other.body.query).toEqual({ q: 'b', sort: 'asc' });
  });

  it('varies by the selected headers', async () => {
    const fr = await request(app.server)
      .get('/items/greeting')
      .set('Accept-Language', 'fr')
      .expect(200);
    const en = await request(app.server)
      .get('/items/greeting')
      .set('Accept-Language', 'en')
      .expect(200);
    expect([fr.body.text, en.body.text]).toEqual(['bonjour', 'hello']);
    const frAgain = await request(app.server)
      .get('/items/greeting')
      .set('Accept-Language', 'fr')
      .expect(200);
    expect(frAgain.headers['x-cache']).toBe('HIT');
    expect(frAgain.body.text).toBe('bonjour');
    expect(items.calls.greeting).toBe(2);
  });

  it('builds keys from decoded params, sending them as a valid header', async () => {
    const miss = await request(app.server).get('/items/named/%C3%A9t%C3%A9').expect(200);
    expect(miss.body.name).toBe('été');
    expect(miss.headers['x-cache-key']).toBe('ItemsController:named:%C3%A9t%C3%A9');
    const hit = await request(app.server).get('/items/named/%C3%A9t%C3%A9').expect(200);
    expect(hit.headers['x-cache']).toBe('HIT');
  });

  it('leaves alone a handler that sends its own response', async () => {
    expect((await request(app.server).get('/items/raw').expect(200)).body).toEqual({ raw: 1 });
    expect((await request(app.server).get('/items/raw').expect(200)).body).toEqual({ raw: 2 });
  });

  it('passes handler errors through unchanged and caches nothing', async () => {
    const first = await request(app.server).get('/items/missing/9').expect(404);
    expect(first.body.message).toBe('no item 9');
    await request(app.server).get('/items/missing/9').expect(404);
    expect(items.calls.missing).toBe(2);
  });

  it('serves STALE within staleWhileRevalidate while one refresh runs', async () => {
    await request(app.server).get('/items/fresh').expect(200);
    // the entry is fresh for one second: poll until it is served stale
    let stale: request.Response | undefined;
    await waitFor(
      async () => {
        const res = await request(app.server).get('/items/fresh');
        if (res.headers['x-cache'] === 'STALE') stale = res;
        return stale !== undefined;
      },
      { timeoutMs: 4000, intervalMs: 50 },
    );
    expect(stale!.body).toEqual({ run: 1 });
    await waitFor(async () => (await request(app.server).get('/items/fresh')).body.run === 2);
  });
});

describe.each(PLATFORMS)('cached routes with http options off, on %s', (platform) => {
  let redis: RedisServer;
  let app: DecoratorsApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const options = {
      redis: redis.url,
      keyPrefix: uniquePrefix('http-off'),
      http: { headers: false, etag: false },
    };
    app = await bootApp({ controllers: [ItemsController] }, options, platform);
  });
  afterAll(async () => {
    await app.close();
    await redis.shutdown();
  });

  it('sends X-Cache only', async () => {
    await request(app.server).get('/items/1');
    const res = await request(app.server).get('/items/1').expect(200);
    expect(res.headers['x-cache']).toBe('HIT');
    for (const name of ['x-cache-key', 'x-cache-ttl-remaining', 'age'])
      expect(res.headers[name]).toBeUndefined();
    // Express adds an ETag of its own to every body; only Fastify shows that ours is off
    if (platform === 'fastify') expect(res.headers.etag).toBeUndefined();
  });
});
