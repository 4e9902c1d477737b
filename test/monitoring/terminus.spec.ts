import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { CacheHealthIndicator, CacheTerminusModule } from '@app/cache/terminus';
import { startApp, type TestApp } from '../admin/support/admin-app';
import { uniquePrefix } from '../support/cache-app';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';

jest.setTimeout(30_000);

@Controller('health')
class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly cache: CacheHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.cache.isHealthy()]);
  }
}

describe('CacheHealthIndicator in a terminus /health endpoint', () => {
  let redis: RedisServer;
  let t: TestApp | undefined;

  beforeEach(async () => {
    redis = await RedisServer.start();
  });
  afterEach(async () => {
    await t?.close();
    await redis.shutdown();
  });

  const boot = async (memory: false | undefined) => {
    t = await startApp(
      { redis: redis.url, keyPrefix: uniquePrefix('terminus'), admin: false, memory },
      { imports: [TerminusModule, CacheTerminusModule], controllers: [HealthController] },
    );
    return t;
  };

  it('is up with Redis, and degraded (still 200) when Redis is killed and memory serves', async () => {
    const app = await boot(undefined);
    const up = await app.http().get('/health').expect(200);
    expect(up.body).toMatchObject({
      status: 'ok',
      info: { cache: { status: 'up', backend: 'redis', redis: { version: expect.any(String) } } },
    });

    await redis.kill();
    let last: { status: number; body: { details?: { cache?: { status?: string } } } } | undefined;
    await waitFor(
      async () => {
        last = await app.http().get('/health');
        return last.body.details?.cache?.status === 'degraded';
      },
      { timeoutMs: 10_000, intervalMs: 100, message: () => JSON.stringify(last?.body) },
    );
    expect(last!.status).toBe(200);
    expect(last!.body).toMatchObject({ details: { cache: { backend: 'memory' } } });
  });

  it('is down (503) when Redis is killed and there is no memory tier', async () => {
    const app = await boot(false);
    await app.http().get('/health').expect(200);
    await redis.kill();
    let last: { status: number; body: unknown } | undefined;
    await waitFor(
      async () => {
        last = await app.http().get('/health');
        return last.status === 503;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: () => JSON.stringify(last?.body) },
    );
    expect(last!.body).toMatchObject({
      status: 'error',
      error: { cache: { status: 'down', backend: 'redis' } },
    });
  });
});
