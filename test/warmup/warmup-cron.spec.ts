import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Cron, ScheduleModule, SchedulerRegistry } from '@nestjs/schedule';
import { Test } from '@nestjs/testing';
import { CacheModule, CacheService, type CacheModuleOptions } from '@app/cache';
import { waitFor } from '../support/wait-for';
import { startApp, type TestApp } from '../admin/support/admin-app';

jest.setTimeout(30_000);

const EVERY_SECOND = '*/1 * * * * *';
const calls: Record<string, number> = {};
const userTicks: number[] = [];

@Injectable()
class Jobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    const count = (name: string) => () => void (calls[name] = (calls[name] ?? 0) + 1);
    this.cache.registerWarmup({ name: 'ticking', cron: EVERY_SECOND, load: count('ticking') });
    this.cache.registerWarmup({ name: 'plain', load: count('plain') });
  }
}

/** The application's own cron, to check that the cache's scheduling does not run it twice. */
@Injectable()
class UserCron {
  @Cron(EVERY_SECOND, { name: 'user-tick' })
  tick(): void {
    userTicks.push(Math.floor(Date.now() / 1000));
  }
}

const memoryOnly: CacheModuleOptions = { redis: null, warmup: { onStartup: false } };

describe('warmup on cron', () => {
  let t: TestApp | undefined;
  beforeEach(() => {
    for (const name of Object.keys(calls)) delete calls[name];
    userTicks.length = 0;
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it("runs a job again on its own cron (without the application's ScheduleModule)", async () => {
    t = await startApp(memoryOnly, { providers: [Jobs] });
    await waitFor(() => (calls.ticking ?? 0) >= 2, {
      timeoutMs: 5_000,
      message: 'the cron did not fire twice',
    });
    expect(calls.plain).toBeUndefined();
  });

  it('mounts the cron of a job registered after bootstrap', async () => {
    t = await startApp(memoryOnly, { providers: [Jobs] });
    t.app.get(CacheService).registerWarmup({
      name: 'late',
      cron: EVERY_SECOND,
      load: () => void (calls.late = (calls.late ?? 0) + 1),
    });
    await waitFor(() => (calls.late ?? 0) >= 1, {
      timeoutMs: 5_000,
      message: 'the late cron never fired',
    });
  });

  it('runs every job on the module-level warmup.cron', async () => {
    t = await startApp(
      { ...memoryOnly, warmup: { onStartup: false, cron: EVERY_SECOND } },
      { providers: [Jobs] },
    );
    await waitFor(() => (calls.plain ?? 0) >= 2, {
      timeoutMs: 5_000,
      message: 'warmup.cron did not fire twice',
    });
  });

  it("shares the application's ScheduleModule: its crons run once per tick, ours show in its registry", async () => {
    t = await startApp(memoryOnly, {
      imports: [ScheduleModule.forRoot()],
      providers: [Jobs, UserCron],
    });
    const registry = t.app.get(SchedulerRegistry);
    expect([...registry.getCronJobs().keys()].sort()).toEqual([
      'cache-warmup:ticking',
      'user-tick',
    ]);
    await waitFor(() => userTicks.length >= 3 && (calls.ticking ?? 0) >= 2, { timeoutMs: 6_000 });
    // a second ScheduleModule would have fired "user-tick" twice in the same second
    expect(new Set(userTicks).size).toBe(userTicks.length);
    const job = registry.getCronJob('cache-warmup:ticking');
    await t.close();
    t = undefined;
    expect(job.isActive).toBe(false);
  });

  it('fails at bootstrap on an invalid cron, naming the job or the option', async () => {
    @Injectable()
    class BadJob implements OnModuleInit {
      constructor(private readonly cache: CacheService) {}
      onModuleInit(): void {
        this.cache.registerWarmup({ name: 'nightly', cron: 'every night', load: () => undefined });
      }
    }
    await expect(startApp(memoryOnly, { providers: [BadJob] })).rejects.toThrow(
      /warmup job "nightly": invalid cron expression "every night"/,
    );
    await expect(
      Test.createTestingModule({
        imports: [CacheModule.forRoot({ redis: null, warmup: { cron: '61 * * * *' } })],
      }).compile(),
    ).rejects.toThrow(/Invalid cache option "warmup.cron"/);
  });
});
