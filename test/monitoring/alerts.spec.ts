import { CacheMonitor, CacheService, type AlertName, type CacheEvent } from '@app/cache';
import { AUTH, startApp, TOKEN, type TestApp } from '../admin/support/admin-app';
import { uniquePrefix } from '../support/cache-app';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

jest.setTimeout(30_000);

/** Evaluation is driven by the test (its clock too): the timer's interval is far away. */
const MONITORING = {
  intervalMs: 3_600_000,
  windowMs: 60_000,
  minRequests: 10,
  resolveAfterMs: 1_000,
  maxEvictionsPerMinute: 100,
};

describe('in-process alerts (real Redis)', () => {
  let server: RedisServer;
  let t: TestApp;
  let cache: CacheService;
  let monitor: CacheMonitor;
  let events: CacheEvent[];

  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(() => server?.shutdown());

  async function boot(redisUrl: string, extra: object = {}): Promise<void> {
    t = await startApp({
      redis: redisUrl,
      keyPrefix: uniquePrefix('alerts'),
      admin: { token: TOKEN },
      memory: { maxEntries: 50 },
      monitoring: { ...MONITORING, ...extra },
    });
    cache = t.app.get(CacheService);
    monitor = t.app.get(CacheMonitor);
    events = [];
    cache.events$.subscribe((e) => {
      if (e.type === 'alert-raised' || e.type === 'alert-resolved') events.push(e);
    });
  }
  afterEach(() => t?.close());

  const alertEvents = (alert: AlertName) =>
    events
      .map((e) =>
        (e.type === 'alert-raised' || e.type === 'alert-resolved') && e.alert.alert === alert
          ? e.type
          : undefined,
      )
      .filter(Boolean);
  const warnings = (alert: AlertName) =>
    t.logger.warnings().filter((w) => w.includes(`alert ${alert} raised`));
  const gauge = async (alert: AlertName) => {
    const text = (await t.http().get('/cache/metrics').set(AUTH).expect(200)).text;
    const line = text.split('\n').find((l) => l.startsWith(`cache_alert_active{alert="${alert}"`));
    return Number(line?.split(' ').pop());
  };

  it('raises a low hit rate once, and resolves it once after it stayed clear', async () => {
    await boot(server.url);
    const t0 = Date.now();
    await monitor.evaluate(t0);
    for (let i = 0; i < 20; i++) await cache.getOrSet(`miss:${i}`, () => i);
    await monitor.evaluate(t0 + 1_000);
    await monitor.evaluate(t0 + 2_000);
    expect(monitor.isActive('hit-rate-low')).toBe(true);
    const listed = (await t.http().get('/cache/alerts').set(AUTH).expect(200)).body;
    expect(listed.active).toEqual([
      expect.objectContaining({ alert: 'hit-rate-low', value: 0, threshold: 0.8 }),
    ]);
    expect(await gauge('hit-rate-low')).toBe(1);
    expect(await gauge('redis-down')).toBe(0);

    for (let i = 0; i < 200; i++) await cache.getOrSet('miss:1', () => 1);
    await monitor.evaluate(t0 + 3_000); // clear, but not for resolveAfterMs yet
    expect(monitor.isActive('hit-rate-low')).toBe(true);
    await monitor.evaluate(t0 + 4_500);
    await monitor.evaluate(t0 + 5_500);
    expect(monitor.isActive('hit-rate-low')).toBe(false);
    const after = (await t.http().get('/cache/alerts').set(AUTH).expect(200)).body;
    expect(after.active).toEqual([]);
    expect(after.recent[0]).toMatchObject({
      alert: 'hit-rate-low',
      resolvedAt: expect.any(String),
    });
    expect(await gauge('hit-rate-low')).toBe(0);
    expect(alertEvents('hit-rate-low')).toEqual(['alert-raised', 'alert-resolved']);
    expect(warnings('hit-rate-low')).toHaveLength(1);
    expect(t.logger.lines.some((l) => l.message.includes('alert hit-rate-low resolved'))).toBe(
      true,
    );
  });

  it('does not judge the hit rate on fewer lookups than minRequests', async () => {
    await boot(server.url);
    const t0 = Date.now();
    await monitor.evaluate(t0);
    for (let i = 0; i < 5; i++) await cache.getOrSet(`few:${i}`, () => i);
    const readings = await monitor.evaluate(t0 + 1_000);
    expect(readings.find((r) => r.alert === 'hit-rate-low')?.firing).toBeUndefined();
    expect(monitor.isActive('hit-rate-low')).toBe(false);
  });

  it('raises a loader error rate above the limit', async () => {
    await boot(server.url);
    const t0 = Date.now();
    await monitor.evaluate(t0);
    for (let i = 0; i < 12; i++) {
      await expect(
        cache.getOrSet(`broken:${i}`, () => Promise.reject(new Error('origin down'))),
      ).rejects.toThrow('origin down');
    }
    await monitor.evaluate(t0 + 1_000);
    expect(monitor.alerts().active).toEqual([
      expect.objectContaining({ alert: 'loader-errors', value: 1, threshold: 0.05 }),
    ]);
    expect(warnings('loader-errors')).toHaveLength(1);
  });

  it('raises memory-tier evictions above the limit per minute', async () => {
    await boot(server.url);
    const t0 = Date.now();
    await monitor.evaluate(t0);
    for (let i = 0; i < 60; i++) await cache.set(`fill:${i}`, i);
    // 10 evictions in a window of 1 s and a little (it starts at boot): up to 600 a minute
    await monitor.evaluate(t0 + 1_000);
    const [alert] = monitor.alerts().active;
    expect(alert).toMatchObject({ alert: 'memory-evictions', threshold: 100 });
    expect(alert.value).toBeGreaterThan(100);
    expect(alert.value).toBeLessThanOrEqual(600);
  });

  it('raises Redis memory above 90 % of maxmemory, and resolves it when the limit goes', async () => {
    await boot(server.url, { resolveAfterMs: 0 });
    const used = Number(/used_memory:(\d+)/.exec(await server.cli('INFO', 'memory'))![1]);
    await server.cli('CONFIG', 'SET', 'maxmemory', String(Math.ceil(used / 0.95)));
    try {
      await monitor.evaluate();
      expect(monitor.isActive('redis-memory')).toBe(true);
    } finally {
      await server.cli('CONFIG', 'SET', 'maxmemory', '0');
    }
    await monitor.evaluate();
    expect(monitor.isActive('redis-memory')).toBe(false);
    expect(alertEvents('redis-memory')).toEqual(['alert-raised', 'alert-resolved']);
  });

  it('raises Redis down when the server dies, and resolves it when it is back', async () => {
    const own = await RedisServer.start();
    try {
      await boot(own.url, { resolveAfterMs: 0 });
      const circuit: string[] = [];
      cache.events$.subscribe((e) => e.type === 'circuit' && circuit.push(e.state));
      await monitor.evaluate();
      expect(monitor.isActive('redis-down')).toBe(false);
      await own.kill();
      await waitFor(async () => (await monitor.evaluate(), monitor.isActive('redis-down')), {
        message: 'redis-down never raised',
      });
      expect(await gauge('redis-down')).toBe(1);
      expect(warnings('redis-down')).toHaveLength(1);
      await own.restart();
      await waitFor(async () => (await monitor.evaluate(), !monitor.isActive('redis-down')), {
        message: 'redis-down never resolved',
      });
      expect(alertEvents('redis-down')).toEqual(['alert-raised', 'alert-resolved']);
      // the circuit's changes are on the stream too: opened when the connection dropped, closed
      // when it came back
      expect(circuit[0]).toBe('open');
      expect(circuit.at(-1)).toBe('closed');
      expect(warnings('redis-down')).toHaveLength(1);
    } finally {
      await t?.close();
      await own.shutdown();
    }
  });
});
