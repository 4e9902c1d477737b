import { Injectable, type OnModuleInit } from '@nestjs/common';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { CacheService } from '@app/cache';
import { AUTH, startApp, TOKEN, type TestApp } from '../admin/support/admin-app';
import {
  AccountController,
  AppointmentsController,
  ItemsController,
} from '../decorators/routes/routes.fixtures';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { PrometheusServer, type QueryResult } from './support/prometheus-server';

jest.setTimeout(120_000);

const DOCS = join(__dirname, '../../docs/monitoring');

@Injectable()
class Warmups implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({ name: 'appointments', load: () => this.cache.set('warm', 1) });
  }
}

/** The dashboard's queries with Grafana's variables given values Prometheus understands. */
function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync(join(DOCS, 'grafana-dashboard.json'), 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
  };
  return dashboard.panels
    .flatMap((panel) => panel.targets.map((target) => target.expr))
    .map((expr) => expr.replaceAll('$__rate_interval', '30s').replaceAll('$prefix', '.*'));
}

/** `<measure> > threshold` → `<measure>`: what a rule watches, which has data on a healthy app. */
function measureOf(rule: string): string {
  const match = /^([\s\S]*\S)\s*(?:>=|<=|==|!=|>|<)\s*[-+]?[\d.]+(?:e[-+]?\d+)?\s*$/.exec(rule);
  if (!match) throw new Error(`rule does not end with a threshold: ${rule}`);
  return match[1];
}

function promtool(args: string[], stdin?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { cwd: DOCS });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
    child.stdin.end(stdin ?? '');
  });
}

describe('monitoring on a real Prometheus', () => {
  let redis: RedisServer;
  let t: TestApp;
  let prometheus: PrometheusServer;
  let traffic: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    // a maxmemory, so that the Redis-memory ratio has a denominator
    redis = await RedisServer.start({ args: ['--maxmemory', '256mb'] });
    t = await startApp(
      {
        redis: redis.url,
        keyPrefix: 'prom',
        admin: { token: TOKEN },
        memory: { maxEntries: 20 },
        monitoring: { intervalMs: 1_000 },
      },
      {
        controllers: [ItemsController, AccountController, AppointmentsController],
        providers: [Warmups],
      },
    );
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    prometheus = await PrometheusServer.start(
      { address: `127.0.0.1:${port}`, metricsPath: '/cache/metrics', bearerToken: TOKEN },
      [join(DOCS, 'alerts.yml')],
    );
  });
  afterAll(async () => {
    if (traffic) clearInterval(traffic);
    await prometheus?.stop();
    await t?.close();
    await redis?.shutdown();
  });

  /** One round of what an application does: hits, misses, errors, users, invalidations, warmup. */
  let round = 0;
  async function someTraffic(): Promise<void> {
    round++;
    const cache = t.app.get(CacheService);
    for (let id = 0; id < 30; id++)
      await t
        .http()
        .get(`/appointments/${id % 6}`)
        .expect(200);
    await t.http().get(`/items/missing/${round}`).expect(404);
    await t
      .http()
      .get('/me/orders')
      .set('x-user-id', `u${round % 3}`)
      .expect(200);
    // more distinct entries than the memory tier holds: evictions
    for (let i = 0; i < 25; i++) await cache.set(`fill:${round}:${i}`, i);
    await cache.invalidateTags(`appointment:${round % 6}`);
    await cache.getOrSet(`broken:${round}`, () => Promise.reject(new Error('x'))).catch(() => 0);
    await t.http().post('/cache/warm').set(AUTH).send({}).expect(200);
  }

  it('passes promtool check metrics on /cache/metrics', async () => {
    await someTraffic();
    const body = (await t.http().get('/cache/metrics').set(AUTH).expect(200)).text;
    const { code, output } = await promtool(['check', 'metrics'], body);
    expect(output.trim()).toBe('');
    expect(code).toBe(0);
  });

  it('ships alert rules that promtool checks and unit-tests', async () => {
    const check = await promtool(['check', 'rules', 'alerts.yml']);
    expect(check).toMatchObject({ code: 0, output: expect.stringContaining('SUCCESS: 7 rules') });
    const unit = await promtool(['test', 'rules', 'alerts.test.yml']);
    expect(unit).toMatchObject({ code: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('answers every dashboard and alert-rule query with data after real traffic', async () => {
    let running = false;
    traffic = setInterval(() => {
      if (running) return;
      running = true;
      // background load for the scrapes: a request refused by a saturated machine is not what
      // this test checks (and must not surface later as an unhandled rejection)
      someTraffic()
        .catch(() => undefined)
        .finally(() => (running = false));
    }, 200);
    await waitFor(
      async () => (await prometheus.query('up{job="cache"} == 1')).data?.result.length === 1,
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        message: 'Prometheus never scraped the app',
      },
    );

    type Rule = { name: string; query: string; health: string; lastError?: string };
    const rules = (await prometheus.api<{ groups: { rules: Rule[] }[] }>('rules')).groups.flatMap(
      (g) => g.rules,
    );
    expect(rules.map((r) => r.name).sort()).toEqual([
      'CacheHitRateLow',
      'CacheInProcessAlert',
      'CacheMemoryEvictionsHigh',
      'CacheMissLatencyHigh',
      'CacheRedisDown',
      'CacheRedisEvictingKeys',
      'CacheRedisMemoryHigh',
    ]);
    const queries = [
      ...dashboardQueries(),
      ...rules.map((rule) => rule.query),
      ...rules.map((rule) => measureOf(rule.query)),
    ];
    expect(queries.length).toBeGreaterThan(30);

    const empty = new Set<string>();
    // rate() needs two scrapes after traffic: poll until every query has data (or one errors)
    await waitFor(
      async () => {
        empty.clear();
        for (const expr of queries) {
          const result: QueryResult = await prometheus.query(expr);
          if (result.status !== 'success') throw new Error(`${expr}: ${result.error}`);
          const isAlert = rules.some((rule) => rule.query === expr);
          // an alert's own expression is empty on a healthy app: it must only not error
          if (!isAlert && result.data?.result.length === 0) empty.add(expr);
        }
        return empty.size === 0;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 1_000,
        message: () => `queries without data:\n${[...empty].join('\n')}`,
      },
    );
    // Prometheus evaluated every rule without error
    await waitFor(
      async () =>
        (await prometheus.api<{ groups: { rules: Rule[] }[] }>('rules')).groups
          .flatMap((g) => g.rules)
          .every((rule) => rule.health === 'ok'),
      { timeoutMs: 10_000, intervalMs: 250, message: 'a rule is not healthy' },
    );
  });
});
