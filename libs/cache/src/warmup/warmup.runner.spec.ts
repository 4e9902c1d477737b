import { UnknownWarmupJobError } from '../errors';
import { Logger } from '@nestjs/common';
import { WarmupRegistry } from './warmup.registry';
import { WarmupRunner } from './warmup.runner';

function setup() {
  const registry = new WarmupRegistry();
  const runner = new WarmupRunner(registry);
  return { registry, runner };
}

describe('WarmupRunner', () => {
  beforeAll(() => Logger.overrideLogger(false));
  it('runs jobs in order, reports failures and keeps going', async () => {
    const { registry, runner } = setup();
    const order: string[] = [];
    registry.register({ name: 'a', load: () => void order.push('a') });
    registry.register({ name: 'b', load: () => Promise.reject(new Error('boom')) });
    registry.register({ name: 'c', load: () => (order.push('c'), 3) });
    const result = await runner.run();
    expect(order).toEqual(['a', 'c']);
    expect(result).toMatchObject({
      warmed: 2,
      failed: 1,
      jobs: [
        { name: 'a', ok: true },
        { name: 'b', ok: false, error: 'boom' },
        { name: 'c', ok: true, keys: 3 },
      ],
    });
  });

  it('reports a thrown non-Error too', async () => {
    const { registry, runner } = setup();
    registry.register({
      name: 'odd',
      load: () => {
        throw 'just a string';
      },
    });
    expect((await runner.run()).jobs[0]).toMatchObject({ ok: false, error: 'just a string' });
  });

  it('joins a run in progress instead of starting a second one', async () => {
    const { registry, runner } = setup();
    let calls = 0;
    let release!: () => void;
    registry.register({
      name: 'slow',
      load: () => {
        calls++;
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    const first = runner.run(['slow']);
    await Promise.resolve();
    expect(runner.inProgress).toEqual(['slow']);
    const second = runner.run(['slow', 'slow']);
    release();
    const [a, b] = await Promise.all([first, second]);
    expect(calls).toBe(1);
    expect(a.jobs[0].joined).toBeUndefined();
    expect(b.jobs).toEqual([expect.objectContaining({ name: 'slow', ok: true, joined: true })]);
    expect(runner.inProgress).toEqual([]);
  });

  it('refuses unknown names before running anything', async () => {
    const { registry, runner } = setup();
    const load = jest.fn();
    registry.register({ name: 'a', load });
    await expect(runner.run(['a', 'x', 'y'])).rejects.toThrow(UnknownWarmupJobError);
    await expect(runner.run(['x'])).rejects.toThrow('unknown warmup job(s): "x"');
    expect(load).not.toHaveBeenCalled();
  });

  it('starts no job once the application is shutting down', async () => {
    const { registry, runner } = setup();
    const load = jest.fn();
    registry.register({ name: 'a', load });
    runner.beforeApplicationShutdown();
    expect((await runner.run()).jobs[0]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/shutting down/),
    });
    expect(load).not.toHaveBeenCalled();
  });

  it('validates job definitions at registration', () => {
    const { registry } = setup();
    expect(() => registry.register({ name: 'c', cron: '* * *', load: () => undefined })).toThrow(
      /warmup job "c": invalid cron/,
    );
    expect(() => registry.register({ name: '', load: () => undefined })).toThrow(/non-empty name/);
  });
});
