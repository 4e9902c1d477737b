// Stampedes: many concurrent callers of one cold key. One instance runs the loader once; two
// instances without the lock run it at most once each; with `lock.enabled` it runs once overall,
// and when the lock holder never finishes, the others load after `lock.waitMs`.
import {
  PausedLoader,
  RedisServer,
  countingLoader,
  dataKey,
  deferred,
  startInstance,
  uniquePrefix,
  waitFor,
  watchUnhandledRejections,
  type Instance,
} from './helpers';

jest.setTimeout(30_000);

const CALLERS = 1000;

let server: RedisServer;
let rejections: ReturnType<typeof watchUnhandledRejections>;
const apps: Instance[] = [];
beforeAll(async () => (server = await RedisServer.start()));
afterAll(() => server?.shutdown());
beforeEach(() => (rejections = watchUnhandledRejections()));
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  rejections.stop();
  expect(rejections.seen).toEqual([]);
});

async function pair(options: Parameters<typeof startInstance>[0]): Promise<[Instance, Instance]> {
  const a = await startInstance(options);
  const b = await startInstance(options);
  apps.push(a, b);
  return [a, b];
}

function callers<T>(instance: Instance, key: string, load: () => Promise<T>): Promise<T[]> {
  return Promise.all(
    Array.from({ length: CALLERS }, () => instance.cache.getOrSet(key, load, { ttl: 60 })),
  );
}

it(`${CALLERS} concurrent callers of a cold key in one instance: one loader call`, async () => {
  const a = await startInstance({ redis: server.url, keyPrefix: uniquePrefix('one') });
  apps.push(a);
  const paused = new PausedLoader<{ n: number }>();
  const all = callers(a, 'cold', paused.fn);
  await paused.called;
  paused.release({ n: 1 });
  const values = await all;
  expect(paused.calls).toBe(1);
  expect(values.every((v) => v === values[0] && v.n === 1)).toBe(true);
});

it('two instances, no lock: at most one loader call per instance', async () => {
  const [a, b] = await pair({ redis: server.url, keyPrefix: uniquePrefix('nolock') });
  const la = countingLoader('v');
  const lb = countingLoader('v');
  const values = (await Promise.all([callers(a, 'cold', la.fn), callers(b, 'cold', lb.fn)])).flat();
  expect(values).toHaveLength(2 * CALLERS);
  expect(values.every((v) => v === 'v')).toBe(true);
  expect(la.calls()).toBeLessThanOrEqual(1);
  expect(lb.calls()).toBeLessThanOrEqual(1);
  expect(la.calls() + lb.calls()).toBeGreaterThanOrEqual(1);
});

describe('three instances with lock, right after an invalidation', () => {
  // The invalidation's bus message reaches the other instances while their flights for the key
  // are already under way (begun after the change reached Redis, for a key they did not hold in
  // memory): those flights must stay single flight.
  it.each([
    ['clear()', (i: Instance) => i.cache.clear()],
    ['a tag invalidation', (i: Instance) => i.cache.invalidateTags(['hot'])],
  ])('after %s, 3 x 1000 callers make one loader call and see the new value', async (_, change) => {
    const prefix = uniquePrefix('lock-after');
    const options = { redis: server.url, keyPrefix: prefix, lock: { enabled: true } };
    const instances = [
      await startInstance(options),
      await startInstance(options),
      await startInstance(options),
    ];
    apps.push(...instances);
    for (let round = 1; round <= 5; round++) {
      const key = `k${round}`;
      await instances[0].cache.getOrSet(key, async () => 'old', { tags: ['hot'] });
      const fresh = countingLoader(`new-${round}`);
      await change(instances[0]);
      const values = await Promise.all(
        instances.flatMap((i) =>
          Array.from({ length: CALLERS }, () =>
            i.cache.getOrSet(key, fresh.fn, { ttl: 60, tags: ['hot'] }),
          ),
        ),
      );
      expect([...new Set(values)]).toEqual([`new-${round}`]);
      expect(fresh.calls()).toBe(1);
    }
  });
});

describe('two instances with lock: { enabled: true }', () => {
  it('one loader call overall while the other instance waits on the lock; all callers get the value', async () => {
    const prefix = uniquePrefix('lock');
    const [a, b] = await pair({ redis: server.url, keyPrefix: prefix, lock: { enabled: true } });
    const la = new PausedLoader<string>();
    const lb = new PausedLoader<string>();
    const polls = [
      jest.spyOn(a.engine.redisTier, 'lockHeld'),
      jest.spyOn(b.engine.redisTier, 'lockHeld'),
    ];
    const all = Promise.all([callers(a, 'cold', la.fn), callers(b, 'cold', lb.fn)]);
    await Promise.race([la.called, lb.called]);
    // the instance that did not get the lock is polling for the holder's value
    await waitFor(() => polls.some((spy) => spy.mock.calls.length > 0), {
      message: 'nobody waited on the lock',
    });
    expect(await server.cli('EXISTS', `${prefix}:v2:l:cold`)).toBe('1');
    la.release('v');
    lb.release('v');
    const values = (await all).flat();
    expect(values).toHaveLength(2 * CALLERS);
    expect(values.every((v) => v === 'v')).toBe(true);
    expect(la.calls + lb.calls).toBe(1);
    expect(await server.cli('EXISTS', `${prefix}:v2:l:cold`)).toBe('0'); // released
  });

  // The holder finishing at the worst moment for a waiter: the waiter's step (its SET NX, or its
  // first poll of the lock) is held back until the holder has written its value and released
  // the lock. The Redis commands are real; only their timing is forced.
  it.each(['acquireLock', 'lockHeld'] as const)(
    'the holder finishes just before the waiter’s %s: still one loader call',
    async (step) => {
      const [a, b] = await pair({
        redis: server.url,
        keyPrefix: uniquePrefix('lock-race'),
        lock: { enabled: true },
      });
      const la = new PausedLoader<string>();
      const fromA = callers(a, 'cold', la.fn);
      await la.called; // A holds the lock
      const tier = b.engine.redisTier;
      const real = tier[step].bind(tier) as (...args: unknown[]) => Promise<unknown>;
      const holdBack = deferred();
      const spy = jest.spyOn(tier, step).mockImplementationOnce((async (...args: unknown[]) => {
        await holdBack.promise;
        return real(...args);
      }) as never);
      const lb = countingLoader('from-b');
      const fromB = callers(b, 'cold', lb.fn);
      await waitFor(() => spy.mock.calls.length > 0); // B missed in Redis and is at that step
      la.release('from-a');
      await fromA; // A wrote its value and released the lock
      holdBack.resolve();
      expect((await fromB).every((v) => v === 'from-a')).toBe(true);
      expect(lb.calls()).toBe(0);
    },
  );

  it('a lock holder that never finishes, then is closed: the others load after lock.waitMs', async () => {
    const waitMs = 1000;
    const prefix = uniquePrefix('lock-dead');
    const [a, b] = await pair({
      redis: server.url,
      keyPrefix: prefix,
      lock: { enabled: true, waitMs, ttlMs: 30_000 },
    });
    const hung = new PausedLoader<string>(); // never released
    void a.cache.getOrSet('cold', hung.fn, { ttl: 60 });
    await hung.called;
    expect(await server.cli('EXISTS', `${prefix}:v2:l:cold`)).toBe('1');
    apps.splice(apps.indexOf(a), 1);
    await a.close(); // the holder is gone; its lock stays until its ttl (30 s)

    const lb = countingLoader('from-b');
    const started = performance.now();
    const values = await callers(b, 'cold', lb.fn);
    const elapsed = performance.now() - started;
    expect(values.every((v) => v === 'from-b')).toBe(true);
    expect(lb.calls()).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(waitMs - 50);
    expect(elapsed).toBeLessThan(waitMs + 1000);
    expect(await server.cli('GET', dataKey(prefix, 'cold'))).toContain('"from-b"');
  });
});

it('a call completes while its key is invalidated without pause (retries are bounded)', async () => {
  const a = await startInstance({ redis: server.url, keyPrefix: uniquePrefix('churn') });
  apps.push(a);
  let churning = true;
  const churn = (async () => {
    // every invalidation detaches the call's flight again before its loader can run
    while (churning) await a.cache.invalidateTags(['t']);
  })();
  const load = countingLoader('v');
  let deadline: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      a.cache.getOrSet('k', load.fn, { tags: ['t'] }),
      new Promise((_, reject) => {
        deadline = setTimeout(() => reject(new Error('starved')), 5_000);
      }),
    ]);
    expect(value).toBe('v');
  } finally {
    clearTimeout(deadline);
    churning = false;
    await churn;
  }
});
