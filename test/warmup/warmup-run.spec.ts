import { Injectable, type OnModuleInit } from '@nestjs/common';
import { CacheService, WarmupRunner } from '@app/cache';
import { RedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait-for';
import { AUTH, startApp, TOKEN, type TestApp } from '../admin/support/admin-app';

jest.setTimeout(30_000);

/** A promise the test settles by hand: jobs wait on it, so nothing depends on timing. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

const calls: Record<string, number> = {};
let slowGate = gate();

@Injectable()
class Jobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    const job = (name: string, load: () => Promise<void | number>) =>
      this.cache.registerWarmup({
        name,
        load: () => {
          calls[name] = (calls[name] ?? 0) + 1;
          return load();
        },
      });
    job('first', async () => {
      await this.cache.set('warm:first', 1);
      return 1;
    });
    job('broken', async () => {
      throw new Error('origin is down');
    });
    job('last', async () => {
      await this.cache.mset([
        { key: 'warm:last:1', value: 1 },
        { key: 'warm:last:2', value: 2 },
      ]);
      return 2;
    });
    job('slow', async () => {
      await slowGate.promise;
      await this.cache.set('warm:slow', 1);
    });
  }
}

describe('warmup on demand', () => {
  let server: RedisServer;
  let t: TestApp;
  let cache: CacheService;
  let runner: WarmupRunner;

  beforeAll(async () => {
    server = await RedisServer.start();
    t = await startApp(
      { redis: server.url, keyPrefix: 'w', admin: { token: TOKEN }, warmup: { onStartup: false } },
      { providers: [Jobs] },
    );
    cache = t.app.get(CacheService);
    runner = t.app.get(WarmupRunner);
  });
  afterAll(async () => {
    slowGate.open();
    await t?.close();
    await server?.shutdown();
  });
  beforeEach(async () => {
    for (const name of Object.keys(calls)) delete calls[name];
    await cache.clear();
  });

  it('a failing job is reported and does not stop the others', async () => {
    const res = await t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['first', 'broken', 'last'] })
      .expect(200);
    expect(res.body).toEqual({
      warmed: 2,
      failed: 1,
      durationMs: expect.any(Number),
      jobs: [
        { name: 'first', ok: true, durationMs: expect.any(Number), keys: 1 },
        { name: 'broken', ok: false, durationMs: expect.any(Number), error: 'origin is down' },
        { name: 'last', ok: true, durationMs: expect.any(Number), keys: 2 },
      ],
    });
    expect(
      await server.cli('EXISTS', 'w:v2:d:warm:first', 'w:v2:d:warm:last:1', 'w:v2:d:warm:last:2'),
    ).toBe('3');
    const warnings = t.logger.warnings().join('\n');
    expect(warnings).toMatch(/warmup job 2 of 3 "broken" failed after [\d.]+ ms: origin is down/);
    const logs = t.logger.lines.map((l) => l.message).join('\n');
    expect(logs).toMatch(/warmup job 3 of 3 "last": 2 keys in [\d.]+ ms/);
    expect(logs).toMatch(/warmup done: 2 warmed, 1 failed in [\d.]+ ms/);
  });

  it('never runs one job twice at once: a second request joins the running one', async () => {
    slowGate = gate();
    const first = t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['slow'] })
      .then((r) => r);
    await waitFor(() => runner.inProgress.includes('slow'), { message: 'slow job never started' });
    const second = runner.run(['slow']);
    const third = t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['first', 'slow'] })
      .then((r) => r);
    // the runner logs a job's end and, in the same synchronous step, starts (here: joins) the
    // next one: once "first" is logged, the third request has joined the running "slow"
    await waitFor(
      () => t.logger.lines.some((l) => l.message.includes('warmup job 1 of 2 "first"')),
      {
        message: 'the third request did not reach "slow"',
      },
    );
    expect(calls.slow).toBe(1);
    slowGate.open();
    const [a, b, c] = await Promise.all([first, second, third]);
    expect(calls.slow).toBe(1);
    expect(a.body.jobs).toEqual([expect.objectContaining({ name: 'slow', ok: true })]);
    expect(a.body.jobs[0].joined).toBeUndefined();
    expect(b.jobs).toEqual([expect.objectContaining({ name: 'slow', ok: true, joined: true })]);
    expect(c.body.jobs[1]).toEqual(
      expect.objectContaining({ name: 'slow', ok: true, joined: true }),
    );
    expect(await cache.get('warm:slow')).toBe(1);
    // once finished, the next request runs it again
    await t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['slow'] })
      .expect(200);
    expect(calls.slow).toBe(2);
  });

  it('runs every job when none is named', async () => {
    slowGate.open();
    const res = await t.http().post('/cache/warm').set(AUTH).expect(200);
    expect(res.body.jobs.map((j: { name: string }) => j.name)).toEqual([
      'first',
      'broken',
      'last',
      'slow',
    ]);
    expect(res.body).toMatchObject({ warmed: 3, failed: 1 });
  });

  it('refuses unknown jobs before running any', async () => {
    const res = await t
      .http()
      .post('/cache/warm')
      .set(AUTH)
      .send({ jobs: ['first', 'ghost'] })
      .expect(400);
    expect(res.body.message).toMatch(/"ghost"/);
    expect(calls.first).toBeUndefined();
  });

  it('refuses a second job of the same name', () => {
    expect(() => cache.registerWarmup({ name: 'first', load: () => undefined })).toThrow(
      /warmup job "first": a job of that name is already registered/,
    );
  });
});
