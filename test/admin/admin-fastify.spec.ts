import { CacheService } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { AUTH, startApp, TOKEN, type TestApp } from './support/admin-app';

jest.setTimeout(30_000);

/** The admin API uses nothing Express-specific: the same answers on Fastify. */
describe('admin API on Fastify', () => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startApp(
      {
        redis: server.url,
        keyPrefix: 'fy',
        admin: { path: 'ops/cache', token: TOKEN },
        warmup: { onStartup: false },
      },
      {},
      'fastify',
    );
    await server.cli('SET', 'foreign:1', 'x');
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  it('serves the endpoints behind the token', async () => {
    await t.http().get('/ops/cache/health').expect(200);
    await t.http().get('/ops/cache/stats').expect(401);
    await t.app.get(CacheService).set('k:1', { a: 1 }, { tags: ['t'] });
    const key = await t.http().get('/ops/cache/debug/key/k:1').set(AUTH).expect(200);
    expect(key.body).toMatchObject({ exists: true, value: { a: 1 } });
    const res = await t
      .http()
      .post('/ops/cache/invalidate')
      .set(AUTH)
      .send({ tags: ['t'] })
      .expect(200);
    expect(res.body.tags).toBe(1);
    const metrics = await t.http().get('/ops/cache/metrics').set(AUTH).expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    await t.http().delete('/ops/cache/clear').set(AUTH).expect(200);
    expect(await server.cli('GET', 'foreign:1')).toBe('x');
  });

  it('answers 4xx to bad input', async () => {
    const post = (body: string) =>
      t
        .http()
        .post('/ops/cache/invalidate')
        .set(AUTH)
        .set('Content-Type', 'application/json')
        .send(body);
    await post('{"tags": [').expect(400);
    await post(JSON.stringify({ tags: Array.from({ length: 800 }, () => 't'.repeat(90)) })).expect(
      413,
    );
    await t
      .http()
      .get('/ops/cache/keys')
      .query({ pattern: '*'.repeat(9) })
      .set(AUTH)
      .expect(400);
    await t.http().get('/ops/cache/keys').query({ cursor: 'x' }).set(AUTH).expect(400);
    await t
      .http()
      .get(`/ops/cache/debug/key/${encodeURIComponent('../../etc')}`)
      .set(AUTH)
      .expect(400);
    await t
      .http()
      .post('/ops/cache/warm')
      .set(AUTH)
      .send({ jobs: ['nope'] })
      .expect(400);
  });
});
