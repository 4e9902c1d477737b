// Loads that race invalidations. A loader is paused (a deferred promise the test holds), the key
// is invalidated, by key, tag, namespace, pattern or clear(), in this instance or another one,
// then the loader is released: its result goes back to the callers that started before, but is
// stored nowhere (Redis is checked directly), and callers that begin after the invalidation run
// their own loader instead of joining the old load. On a redis-server, then on a 3-master Cluster.
import { payloadOf } from '../support/stored-entry';
import { useTopology, type TopologyName } from '../support/topology';
import {
  PausedLoader,
  countingLoader,
  startInstance,
  untilHealthy,
  waitFor,
  watchUnhandledRejections,
  type Instance,
} from './helpers';

jest.setTimeout(30_000);

type Scope = 'key' | 'tag' | 'namespace' | 'pattern' | 'clear';
const SCOPES: Scope[] = ['key', 'tag', 'namespace', 'pattern', 'clear'];

let n = 0;
/** A key of its own for each test, with a tag and a namespace of its own. */
function target() {
  const id = ++n;
  return { id, key: `item:${id}:x`, opts: { ttl: 60, tags: [`tag-${id}`], namespace: `ns-${id}` } };
}

async function invalidate(instance: Instance, scope: Scope, id: number): Promise<void> {
  const { cache } = instance;
  if (scope === 'key') await cache.delete(`item:${id}:x`);
  if (scope === 'tag') await cache.invalidateTags(`tag-${id}`);
  if (scope === 'namespace') await cache.invalidateNamespace(`ns-${id}`);
  if (scope === 'pattern') await cache.invalidatePattern(`item:${id}:*`);
  if (scope === 'clear') await cache.clear();
}

let rejections: ReturnType<typeof watchUnhandledRejections>;
beforeEach(() => (rejections = watchUnhandledRejections()));
afterEach(() => {
  rejections.stop();
  expect(rejections.seen).toEqual([]);
});

describe.each(['standalone', 'cluster'] as TopologyName[])('on %s', (name) => {
  const topology = useTopology(name);

  /** What Redis holds for a key of an instance's, as raw text ('' when missing). */
  /** the entry's payload Redis holds for a key; '' for none (no key, or a delete's tombstone) */
  const inRedis = async (instance: Instance, key: string) =>
    payloadOf(await topology.cli('GET', instance.engine.layout.data(key))) ?? '';

  describe('one instance', () => {
    let a: Instance;
    const prefix = topology.prefix('race1');
    beforeAll(async () => (a = await startInstance({ redis: topology.redis, keyPrefix: prefix })));
    afterAll(() => a?.close());

    it.each(SCOPES)(
      'invalidate (%s) during a paused load: its result is stored nowhere',
      async (scope) => {
        const { id, key, opts } = target();
        const paused = new PausedLoader<string>();
        const first = a.cache.getOrSet(key, paused.fn, opts);
        await paused.called;
        await invalidate(a, scope, id);
        paused.release('stale');
        expect(await first).toBe('stale'); // the caller that started before gets its own load's value
        expect(a.engine.memory?.get(key)).toBeUndefined();
        expect(await inRedis(a, key)).toBe('');
        expect(await a.cache.get(key)).toBeUndefined();
        const fresh = countingLoader('fresh');
        expect(await a.cache.getOrSet(key, fresh.fn, opts)).toBe('fresh');
        expect(fresh.calls()).toBe(1);
      },
    );

    it.each(SCOPES)(
      'invalidate (%s) during a paused load: a later call runs its own loader, and wins',
      async (scope) => {
        const { id, key, opts } = target();
        const paused = new PausedLoader<string>();
        const first = a.cache.getOrSet(key, paused.fn, opts);
        await paused.called;
        await invalidate(a, scope, id);
        const fresh = countingLoader('fresh');
        expect(await a.cache.getOrSet(key, fresh.fn, opts)).toBe('fresh'); // did not join the paused load
        expect(fresh.calls()).toBe(1);
        paused.release('stale');
        expect(await first).toBe('stale');
        expect(await a.cache.get(key)).toBe('fresh');
        expect(await inRedis(a, key)).toContain('"fresh"');
        expect(await a.cache.getOrSet(key, async () => 'never', opts)).toBe('fresh');
      },
    );

    it('a set racing a delete of the same key: memory ends up agreeing with Redis', async () => {
      const { key } = target();
      // issued in this order, Redis runs the write then the delete: the key is gone
      await Promise.all([a.cache.set(key, 'written'), a.cache.delete(key)]);
      expect(await inRedis(a, key)).toBe('');
      expect(await a.cache.get(key)).toBeUndefined();
      // the other order leaves the written value, in both tiers
      await Promise.all([a.cache.delete(key), a.cache.set(key, 'written')]);
      expect(await a.cache.get(key)).toBe('written');
      expect(await inRedis(a, key)).toContain('"written"');
    });
  });

  describe('two instances on one Redis', () => {
    let a: Instance;
    let b: Instance;
    const prefix = topology.prefix('race2');
    beforeAll(async () => {
      a = await startInstance({ redis: topology.redis, keyPrefix: prefix });
      b = await startInstance({ redis: topology.redis, keyPrefix: prefix });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it.each(SCOPES)(
      'load paused in B, invalidate (%s) in A: nothing stale anywhere',
      async (scope) => {
        const { id, key, opts } = target();
        const paused = new PausedLoader<string>();
        const first = b.cache.getOrSet(key, paused.fn, opts);
        await paused.called;
        await invalidate(a, scope, id);
        // B detaches its load once it has the bus message
        await waitFor(() => b.engine.flight(key) === undefined, {
          message: 'B never received the invalidation',
        });
        const fresh = countingLoader('fresh');
        expect(await b.cache.getOrSet(key, fresh.fn, opts)).toBe('fresh');
        expect(fresh.calls()).toBe(1);
        paused.release('stale');
        expect(await first).toBe('stale');
        expect(await inRedis(a, key)).toContain('"fresh"');
        expect(await b.cache.get(key)).toBe('fresh');
        expect(await a.cache.get(key)).toBe('fresh');
      },
    );

    it.each(SCOPES)(
      'load paused in B, invalidate (%s) in A, release: neither instance reads it',
      async (scope) => {
        const { id, key, opts } = target();
        const paused = new PausedLoader<string>();
        const first = b.cache.getOrSet(key, paused.fn, opts);
        await paused.called;
        await invalidate(a, scope, id);
        await waitFor(() => b.engine.flight(key) === undefined, {
          message: 'B never received the invalidation',
        });
        paused.release('stale');
        expect(await first).toBe('stale');
        expect(await inRedis(a, key)).toBe('');
        expect(await b.cache.get(key)).toBeUndefined();
        expect(await a.cache.get(key)).toBeUndefined();
      },
    );
  });

  describe('a load in flight across a Redis restart that lost the data', () => {
    // A has no memory tier: nothing of A's but Redis can keep the stale value
    let a: Instance;
    let b: Instance;
    const prefix = topology.prefix('race3');
    beforeAll(async () => {
      a = await startInstance({ redis: topology.redis, keyPrefix: prefix, memory: false });
      b = await startInstance({ redis: topology.redis, keyPrefix: prefix });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
    });

    it('is not stored: the guard it read belongs to the ledger that was lost', async () => {
      const { key, opts } = target();
      for (let i = 0; i < 10; i++) await a.cache.delete(`bump-${i}`); // ledger seq well above 0
      const paused = new PausedLoader<string>();
      const first = b.cache.getOrSet(key, paused.fn, opts);
      await paused.called;
      await topology.restart(); // every master empty again: the ledger restarts from 0
      await untilHealthy(a);
      await untilHealthy(b);
      // a low seq now (the ledger restarted), below the stamp B's load read: the tombstone alone
      // would not refuse it; B's loads in flight were detached when it reconnected
      await a.cache.delete(key);
      paused.release('stale');
      expect(await first).toBe('stale');
      expect(await inRedis(a, key)).toBe('');
      expect(await a.cache.get(key)).toBeUndefined();
      expect(await b.cache.get(key)).toBeUndefined();
    });
  });
});
