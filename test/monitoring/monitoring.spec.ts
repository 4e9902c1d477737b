import { firstValueFrom, take, toArray } from 'rxjs';
import { CacheService, type CacheEvent } from '@app/cache';
import { AUTH, startApp, TOKEN, type TestApp } from '../admin/support/admin-app';
import {
  AccountController,
  AppointmentsController,
  ItemsController,
} from '../decorators/routes/routes.fixtures';
import { PLATFORMS } from '../decorators/support/decorators-app';
import { uniquePrefix } from '../support/cache-app';
import { RedisServer } from '../support/redis-server';

jest.setTimeout(30_000);

describe.each(PLATFORMS)('monitoring on %s (real Redis)', (platform) => {
  let server: RedisServer;
  let t: TestApp;
  let cache: CacheService;

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server?.shutdown());

  beforeEach(async () => {
    t = await startApp(
      {
        redis: server.url,
        keyPrefix: uniquePrefix(`mon-${platform}`),
        admin: { token: TOKEN },
        monitoring: { hitEventSampleRate: 1, hitRateTarget: 0.5 },
      },
      { controllers: [ItemsController, AccountController, AppointmentsController] },
      platform,
    );
    cache = t.app.get(CacheService);
  });
  afterEach(() => t?.close());

  const get = (path: string, user?: string) => {
    const req = t.http().get(path);
    return user ? req.set('x-user-id', user) : req;
  };

  it('counts cached routes under their template, never the raw URL', async () => {
    for (const id of ['1', '2', '3']) {
      await get(`/appointments/${id}`).expect(200);
      await get(`/appointments/${id}`).expect(200);
    }
    await get('/items/missing/9').expect(404);
    const stats = (await t.http().get('/cache/stats').set(AUTH).expect(200)).body;
    expect(Object.keys(stats.routes).sort()).toEqual([
      'GET /appointments/:id',
      'GET /items/missing/:id',
    ]);
    expect(stats.routes['GET /appointments/:id']).toMatchObject({
      hits: 3,
      misses: 3,
      hitRate: 0.5,
    });
    expect(stats.routes['GET /appointments/:id'].latencyMs.miss.samples).toBe(3);
    expect(stats.routes['GET /items/missing/:id']).toMatchObject({ errors: 1, hits: 0 });

    const perf = (await t.http().get('/cache/performance').set(AUTH).expect(200)).body;
    expect(perf.byRoute['GET /appointments/:id'].hitRate).toBe(0.5);
    expect(perf.topRoutes[0]).toEqual({ name: 'GET /appointments/:id', hitRate: 0.5, lookups: 6 });
    expect(perf.bottomRoutes.map((r: { name: string }) => r.name)).toContain(
      'GET /appointments/:id',
    );
    expect(perf).toMatchObject({ hitRateTarget: 0.5, meetsTarget: true });
    expect(perf.topNamespaces.length).toBeGreaterThan(0);
    expect(typeof perf.timeSavedMs).toBe('number');

    const metrics = (await t.http().get('/cache/metrics').set(AUTH).expect(200)).text;
    expect(metrics).toContain(
      'cache_route_requests_total{route="GET /appointments/:id",result="hit"',
    );
    expect(metrics).toMatch(
      /cache_route_duration_seconds_count\{[^}]*route="GET \/appointments\/:id",outcome="miss"\} 3/,
    );
    expect(metrics).not.toContain('/appointments/1');
  });

  it('streams hits, misses and invalidations on events$', async () => {
    const seen = firstValueFrom(cache.events$.pipe(take(3), toArray()));
    await get('/appointments/7').expect(200);
    await get('/appointments/7').expect(200);
    expect(await cache.invalidateTags('appointment:7')).toBe(1);
    const events = await seen;
    expect(events.map((e) => e.type)).toEqual(['miss', 'hit', 'invalidation']);
    const [miss, hit, invalidation] = events as [
      Extract<CacheEvent, { type: 'miss' }>,
      Extract<CacheEvent, { type: 'hit' }>,
      Extract<CacheEvent, { type: 'invalidation' }>,
    ];
    expect(miss.key).toBe('AppointmentsController:GET /appointments/7');
    expect(hit.key).toBe(miss.key);
    expect(invalidation.spec.tags).toEqual(['appointment:7']);
    expect(invalidation.count).toBeGreaterThanOrEqual(1);
  });

  it('POST /cache/clear takes a pattern in its body, and clears only what matches', async () => {
    await cache.set('keep:1', 1);
    await cache.set('drop:1', 1);
    await cache.set('drop:2', 1);
    const res = await t
      .http()
      .post('/cache/clear')
      .set(AUTH)
      .send({ pattern: 'drop:*' })
      .expect(200);
    expect(res.body).toEqual({ deleted: 2 });
    expect(await cache.get('keep:1')).toBe(1);
    expect(await cache.get('drop:1')).toBeUndefined();
    await t.http().post('/cache/clear').set(AUTH).send({ pattern: '[' }).expect(400);
    await t.http().post('/cache/clear').set(AUTH).send({ pattern: 'x', extra: 1 }).expect(400);
    await t.http().post('/cache/clear').send({}).expect(401);
    expect((await t.http().post('/cache/clear').set(AUTH).send({}).expect(200)).body.deleted).toBe(
      1,
    );
  });

  it("drops one user's per-user entries, and nothing else", async () => {
    for (const user of ['alice', 'bob']) await get('/me/orders', user).expect(200);
    await get('/me/orders').expect(200); // anonymous
    await get('/appointments/1').expect(200);
    const res = await t.http().post('/cache/clear/user/alice').set(AUTH).expect(200);
    expect(res.body.deleted).toBeGreaterThanOrEqual(1);
    expect((await get('/me/orders', 'alice').expect(200)).headers['x-cache']).toBe('MISS');
    expect((await get('/me/orders', 'bob').expect(200)).headers['x-cache']).toBe('HIT');
    expect((await get('/me/orders').expect(200)).headers['x-cache']).toBe('HIT');
    expect((await get('/appointments/1').expect(200)).headers['x-cache']).toBe('HIT');

    expect(await cache.invalidateUser('bob')).toBeGreaterThanOrEqual(1);
    expect((await get('/me/orders', 'bob').expect(200)).headers['x-cache']).toBe('MISS');

    // a client's mistake is a 4xx (Fastify refuses a long path parameter itself, with 414)
    const refused = (r: { status: number }) => expect([400, 404, 414]).toContain(r.status);
    await t.http().post('/cache/clear/user/%2E%2E').set(AUTH).expect(refused);
    await t
      .http()
      .post(`/cache/clear/user/${'x'.repeat(600)}`)
      .set(AUTH)
      .expect(refused);
    await t.http().post('/cache/clear/user/a%01b').set(AUTH).expect(400);
    await t.http().post('/cache/clear/user/alice').expect(401);
  });

  it('lists alerts (none on a healthy cache)', async () => {
    const res = await t.http().get('/cache/alerts').set(AUTH).expect(200);
    expect(res.body).toEqual({ active: [], recent: [] });
    await t.http().get('/cache/alerts').expect(401);
  });

  it('emits no hit events unless asked for (the default)', async () => {
    const quiet = await startApp(
      { redis: server.url, keyPrefix: uniquePrefix('quiet'), admin: false },
      {},
      platform,
    );
    try {
      const svc = quiet.app.get(CacheService);
      const types: string[] = [];
      const sub = svc.events$.subscribe((e) => types.push(e.type));
      await svc.getOrSet('k', () => 1);
      await svc.getOrSet('k', () => 1);
      await svc.getOrSet('k', () => 1);
      sub.unsubscribe();
      expect(svc.stats().hits).toBe(2);
      expect(types).toEqual(['miss']);
    } finally {
      await quiet.close();
    }
  });
});
