import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { startApp, type TestApp } from '../admin/support/admin-app';

jest.setTimeout(30_000);

const calls: string[] = [];
let release: () => void = () => undefined;
let blocked = false;

@Injectable()
class Jobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({
      name: 'quick',
      load: async () => {
        calls.push('quick');
        await this.cache.set('warm:quick', 'q');
      },
    });
    this.cache.registerWarmup({
      name: 'blocking',
      load: async () => {
        calls.push('blocking');
        // opened by the test: until then the job is "slow", without any timer
        if (blocked) await new Promise<void>((resolve) => (release = resolve));
        await this.cache.set('warm:blocking', 'b');
      },
    });
  }
}

describe('warmup at application bootstrap', () => {
  let server: RedisServer;
  let t: TestApp | undefined;

  beforeAll(async () => (server = await RedisServer.start()));
  afterAll(() => server.shutdown());
  beforeEach(async () => {
    calls.length = 0;
    blocked = false;
    await server.flushall();
  });
  afterEach(async () => {
    release();
    await t?.close();
    t = undefined;
  });

  it('warms every job before the application is ready, into Redis', async () => {
    t = await startApp({ redis: server.url, keyPrefix: 'ws' }, { providers: [Jobs] });
    expect(calls).toEqual(['quick', 'blocking']);
    expect(await server.cli('EXISTS', 'ws:v2:d:warm:quick', 'ws:v2:d:warm:blocking')).toBe('2');
    const logs = t.logger.lines.map((l) => l.message).join('\n');
    expect(logs).toMatch(/warmup job 1 of 2 "quick": [\d.]+ ms/);
  });

  it('does not hold readiness beyond startupTimeoutMs: the rest goes on in the background', async () => {
    blocked = true;
    t = await startApp(
      { redis: server.url, keyPrefix: 'ws', warmup: { startupTimeoutMs: 100 } },
      { providers: [Jobs] },
    );
    // init resolved although "blocking" cannot finish until released
    expect(calls).toEqual(['quick', 'blocking']);
    expect(await server.cli('EXISTS', 'ws:v2:d:warm:blocking')).toBe('0');
    expect(t.logger.lines.map((l) => l.message).join('\n')).toMatch(
      /still running after 100 ms: it continues in the background/,
    );
    release();
    await waitFor(async () => (await server.cli('EXISTS', 'ws:v2:d:warm:blocking')) === '1', {
      message: 'background warmup never finished',
    });
  });

  it('does nothing at startup with onStartup: false, or with the cache disabled', async () => {
    t = await startApp(
      { redis: server.url, keyPrefix: 'ws', warmup: { onStartup: false } },
      { providers: [Jobs] },
    );
    expect(calls).toEqual([]);
    await t.close();
    t = await startApp({ redis: null, enabled: false }, { providers: [Jobs] });
    expect(calls).toEqual([]);
  });
});
