import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { AUTH, startApp, TOKEN, type TestApp } from './support/admin-app';

jest.setTimeout(60_000);

const fast = {
  commandTimeoutMs: 200,
  connectTimeoutMs: 300,
  maxReconnectDelayMs: 100,
  breakerDurationMs: 200,
};

async function statusOf(
  t: TestApp,
): Promise<{ status: string; backend: string; code: number; body: Record<string, unknown> }> {
  const res = await t.http().get('/cache/health');
  return { status: res.body.status, backend: res.body.backend, code: res.status, body: res.body };
}

describe('GET health follows Redis', () => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startApp({
      redis: server.url,
      keyPrefix: 'h',
      admin: { token: TOKEN },
      resilience: fast,
    });
    await waitFor(async () => (await statusOf(t)).status === 'ok', {
      message: 'never ok at start',
    });
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  it('reports degraded while Redis is down (memory serves), and ok once it is back', async () => {
    await server.kill();
    await waitFor(async () => (await statusOf(t)).status === 'degraded', {
      timeoutMs: 10_000,
      message: 'not degraded',
    });
    const degraded = await statusOf(t);
    expect(degraded).toMatchObject({ code: 200, backend: 'memory' });
    expect(degraded.body.redis).toBeUndefined();

    // the admin API itself keeps answering
    const detailed = await t.http().get('/cache/health/detailed').set(AUTH).expect(200);
    expect(detailed.body).toMatchObject({ status: 'degraded', keys: { source: 'memory' } });
    expect(detailed.body.recommendations.join('\n')).toMatch(/not usable/);
    const selfTest = await t.http().get('/cache/test').set(AUTH).expect(200);
    expect(selfTest.body.backend).toBe('memory');

    await server.restart();
    await waitFor(async () => (await statusOf(t)).status === 'ok', {
      timeoutMs: 10_000,
      message: 'not ok again',
    });
    expect((await statusOf(t)).body).toMatchObject({
      backend: 'redis',
      redis: { version: expect.any(String) },
    });
  });
});

describe('GET health without a memory tier', () => {
  let server: RedisServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startApp({ redis: server.url, keyPrefix: 'h', memory: false, resilience: fast });
    await waitFor(async () => (await statusOf(t)).status === 'ok', {
      message: 'never ok at start',
    });
  });
  afterAll(async () => {
    await t?.close();
    await server?.shutdown();
  });

  it('reports down with 503 while Redis is down, ok after', async () => {
    await server.kill();
    await waitFor(async () => (await statusOf(t)).status === 'down', {
      timeoutMs: 10_000,
      message: 'not down',
    });
    expect(await statusOf(t)).toMatchObject({ code: 503, backend: 'redis' });
    await server.restart();
    await waitFor(async () => (await statusOf(t)).status === 'ok', {
      timeoutMs: 10_000,
      message: 'not ok again',
    });
  });
});

describe('GET health in memory-only mode', () => {
  it('is ok with backend memory when no Redis is configured', async () => {
    const t = await startApp({ redis: null, admin: { token: TOKEN } });
    try {
      expect(await statusOf(t)).toMatchObject({ code: 200, status: 'ok', backend: 'memory' });
      const detailed = await t.http().get('/cache/health/detailed').set(AUTH).expect(200);
      expect(detailed.body).toMatchObject({ mode: 'memory-only', keys: { source: 'memory' } });
    } finally {
      await t.close();
    }
  });

  it('pages the memory tier in GET keys', async () => {
    const t = await startApp({ redis: null, admin: { token: TOKEN } });
    try {
      const { CacheService } = await import('@app/cache');
      const cache = t.app.get(CacheService);
      for (let i = 0; i < 5; i++) await cache.set(`m:${i}`, i);
      await cache.set('other', 1);
      const seen: string[] = [];
      let cursor = '0';
      do {
        const res = await t
          .http()
          .get('/cache/keys')
          .query({ pattern: 'm:*', cursor, count: 2 })
          .set(AUTH)
          .expect(200);
        expect(res.body.source).toBe('memory');
        seen.push(...res.body.keys);
        cursor = res.body.cursor;
      } while (cursor !== '0');
      expect(seen.sort()).toEqual(['m:0', 'm:1', 'm:2', 'm:3', 'm:4']);
      await t.http().get('/cache/keys?cursor=3:0').set(AUTH).expect(400);
      const key = await t.http().get('/cache/debug/key/m:1').set(AUTH).expect(200);
      expect(key.body).toMatchObject({ exists: true, tier: 'memory', value: 1 });
    } finally {
      await t.close();
    }
  });
});
