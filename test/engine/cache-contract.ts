// The CacheService contract, one suite for every setup (memory only, memory + Redis, Redis only).
// Each test gets its own application and keyPrefix, so no test sees another's keys or counters.
import { InvalidPatternError, type CacheService } from '@app/cache';
import { uniquePrefix, type CacheApp, type MakeApp } from './boot-cache';
import { registerValueContract } from './cache-contract-values';

/** The module options every contract test runs with (the setup adds redis / memory). */
export const CONTRACT_DEFAULT_TTL = 250;

export type AppAccessor = () => CacheApp;

/** A fresh application per test, closed after it. */
function useFreshApp(name: string, makeApp: MakeApp): AppAccessor {
  let current: CacheApp | undefined;
  beforeEach(async () => {
    current = await makeApp({
      keyPrefix: uniquePrefix(name),
      defaultTtl: CONTRACT_DEFAULT_TTL,
      namespaces: { short: { ttl: 1 } },
    });
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('no application: called outside a test');
    return current;
  };
}

export function registerCacheContract(name: string, makeApp: MakeApp): void {
  const app = useFreshApp(name, makeApp);
  const cache = (): CacheService => app().cache;
  // tags, namespaces and clear() count the entries they dropped from memory: in Redis they set a
  // marker, and the entries it covers are not counted (docs/ARCHITECTURE.md, lazy invalidation)
  const dropped = (n: number): number => (cache().stats().memory ? n : 0);

  describe('get / set / delete', () => {
    it('misses, then returns what was set, and set overwrites', async () => {
      expect(await cache().get('k')).toBeUndefined();
      await cache().set('k', { n: 1 });
      expect(await cache().get('k')).toEqual({ n: 1 });
      await cache().set('k', { n: 2 });
      expect(await cache().get('k')).toEqual({ n: 2 });
    });

    it('delete removes the keys and returns how many existed', async () => {
      await cache().set('a', 1);
      await cache().set('b', 2);
      await cache().set('c', 3);
      expect(await cache().delete('a', 'b', 'never-set')).toBe(2);
      expect(await cache().get('a')).toBeUndefined();
      expect(await cache().get('b')).toBeUndefined();
      expect(await cache().get('c')).toBe(3);
      expect(await cache().delete('a')).toBe(0);
      expect(await cache().delete()).toBe(0);
    });

    it.each([
      ['a small value', { n: 1 }],
      [
        'a large one, encoded in steps',
        Array.from({ length: 20_000 }, (_, id) => ({ id, name: `row ${id}` })),
      ],
    ])('a delete issued right after the set of %s wins', async (_name, value) => {
      await cache().set('k', 'before');
      const setting = cache().set('k', value); // not awaited: the delete comes while it is on its way
      await cache().delete('k');
      await setting;
      expect(await cache().get('k')).toBeUndefined();
    });
  });

  describe('getOrSet', () => {
    it('calls the loader once, then serves the cached value', async () => {
      const loader = jest.fn(async () => ({ id: 7 }));
      expect(await cache().getOrSet('k', loader)).toEqual({ id: 7 });
      expect(await cache().getOrSet('k', loader)).toEqual({ id: 7 });
      expect(loader).toHaveBeenCalledTimes(1);
      expect(await cache().get('k')).toEqual({ id: 7 });
    });

    it('accepts a synchronous loader', async () => {
      const loader = jest.fn(() => 'sync');
      expect(await cache().getOrSet('k', loader)).toBe('sync');
      expect(await cache().getOrSet('k', loader)).toBe('sync');
      expect(loader).toHaveBeenCalledTimes(1);
    });

    it('does not store undefined', async () => {
      const loader = jest.fn(async () => undefined);
      expect(await cache().getOrSet('k', loader)).toBeUndefined();
      expect(await cache().getOrSet('k', loader)).toBeUndefined();
      expect(loader).toHaveBeenCalledTimes(2);
      expect(await cache().ttl('k')).toBeNull();
    });

    it('does not store a value for which unless() is true', async () => {
      const unless = (value: { ok: boolean }) => !value.ok;
      const failing = jest.fn(async () => ({ ok: false }));
      expect(await cache().getOrSet('k', failing, { unless })).toEqual({ ok: false });
      expect(await cache().getOrSet('k', failing, { unless })).toEqual({ ok: false });
      expect(failing).toHaveBeenCalledTimes(2);
      expect(await cache().get('k')).toBeUndefined();

      const passing = jest.fn(async () => ({ ok: true }));
      await cache().getOrSet('k', passing, { unless });
      await cache().getOrSet('k', passing, { unless });
      expect(passing).toHaveBeenCalledTimes(1);
    });

    it('caches falsy values: the loader of null, 0, "" or false runs once', async () => {
      for (const [i, value] of [null, 0, '', false].entries()) {
        const loader = jest.fn(async () => value);
        expect(await cache().getOrSet(`falsy:${i}`, loader)).toBe(value);
        expect(await cache().getOrSet(`falsy:${i}`, loader)).toBe(value);
        expect(loader).toHaveBeenCalledTimes(1);
      }
    });

    it('rethrows a loader error unchanged and stores nothing', async () => {
      const boom = new Error('origin down');
      await expect(cache().getOrSet('k', () => Promise.reject(boom))).rejects.toBe(boom);
      expect(await cache().get('k')).toBeUndefined();
      expect(await cache().getOrSet('k', async () => 'recovered')).toBe('recovered');
    });

    it('applies ttl and tags given to it', async () => {
      await cache().getOrSet('k', async () => 'v', { ttl: 60, tags: ['group'] });
      expect(await cache().ttl('k')).toBeGreaterThanOrEqual(59);
      expect(await cache().ttl('k')).toBeLessThanOrEqual(60);
      expect(await cache().invalidateTags('group')).toBe(dropped(1));
      expect(await cache().get('k')).toBeUndefined();
    });
  });

  describe('mget / mset', () => {
    it('keeps the order of the keys and answers undefined for missing ones', async () => {
      await cache().mset([
        { key: 'a', value: 1 },
        { key: 'b', value: { x: [1, 2] } },
        { key: 'c', value: null },
        { key: 'u', value: undefined },
      ]);
      expect(await cache().mget(['c', 'missing', 'b', 'a', 'u'])).toStrictEqual([
        null,
        undefined,
        { x: [1, 2] },
        1,
        undefined,
      ]);
      expect(await cache().mget([])).toEqual([]);
    });

    it('applies per-entry ttl and tags, and reads what set wrote', async () => {
      await cache().set('plain', 'p');
      await cache().mset([{ key: 'tagged', value: 't', ttl: 30, tags: ['batch'] }]);
      expect(await cache().ttl('tagged')).toBeLessThanOrEqual(30);
      expect(await cache().mget(['plain', 'tagged'])).toEqual(['p', 't']);
      expect(await cache().invalidateTags(['batch'])).toBe(dropped(1));
      expect(await cache().mget(['plain', 'tagged'])).toEqual(['p', undefined]);
    });
  });

  describe('ttl', () => {
    it('answers the seconds left, the default TTL, or null', async () => {
      await cache().set('explicit', 1, { ttl: 120 });
      await cache().set('default', 1);
      expect(await cache().ttl('explicit')).toBeGreaterThanOrEqual(119);
      expect(await cache().ttl('explicit')).toBeLessThanOrEqual(120);
      expect(await cache().ttl('default')).toBeGreaterThanOrEqual(CONTRACT_DEFAULT_TTL - 1);
      expect(await cache().ttl('default')).toBeLessThanOrEqual(CONTRACT_DEFAULT_TTL);
      expect(await cache().ttl('missing')).toBeNull();
      await cache().delete('explicit');
      expect(await cache().ttl('explicit')).toBeNull();
    });
  });

  describe('invalidation', () => {
    it('invalidateTags removes what carries the tag, keeps the rest, returns the count', async () => {
      await cache().set('a', 1, { tags: ['x'] });
      await cache().set('b', 2, { tags: ['x', 'y'] });
      await cache().set('c', 3, { tags: ['y'] });
      await cache().set('d', 4);
      expect(await cache().invalidateTags('x')).toBe(dropped(2));
      expect(await cache().mget(['a', 'b', 'c', 'd'])).toEqual([undefined, undefined, 3, 4]);
      expect(await cache().invalidateTags(['y', 'unknown'])).toBe(dropped(1));
      expect(await cache().get('c')).toBeUndefined();
      expect(await cache().get('d')).toBe(4);
    });

    it('invalidateNamespace removes the namespace, by option or by configured first segment', async () => {
      await cache().set('a', 1, { namespace: 'ns1' });
      await cache().set('b', 2, { namespace: 'ns1' });
      await cache().set('c', 3, { namespace: 'ns2' });
      await cache().set('short:d', 4);
      await cache().set('ns1-lookalike', 5);
      expect(await cache().invalidateNamespace('ns1')).toBe(dropped(2));
      expect(await cache().mget(['a', 'b', 'c', 'short:d', 'ns1-lookalike'])).toEqual([
        undefined,
        undefined,
        3,
        4,
        5,
      ]);
      expect(await cache().invalidateNamespace('short')).toBe(dropped(1));
      expect(await cache().get('short:d')).toBeUndefined();
      expect(await cache().get('c')).toBe(3);
    });

    it('invalidatePattern follows Redis glob rules and returns the count', async () => {
      const keys = ['user:1', 'user:2', 'user:a', 'user:10', 'users', 'post:1', 'star*', 'starX'];
      await cache().mset(keys.map((key) => ({ key, value: key })));
      expect(await cache().invalidatePattern('user:?')).toBe(3);
      expect(await cache().invalidatePattern('user:[0-9][^a]')).toBe(1);
      expect(await cache().invalidatePattern('star\\*')).toBe(1);
      expect(await cache().mget(keys)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        'users',
        'post:1',
        undefined,
        'starX',
      ]);
    });

    it('invalidatePattern rejects a pattern it cannot run safely', async () => {
      await expect(cache().invalidatePattern('')).rejects.toBeInstanceOf(InvalidPatternError);
      await expect(cache().invalidatePattern('user:[')).rejects.toBeInstanceOf(InvalidPatternError);
      await expect(cache().invalidatePattern('*'.repeat(9))).rejects.toThrow(InvalidPatternError);
    });

    it('clear removes every entry and its indexes', async () => {
      await cache().set('a', 1, { tags: ['t'] });
      await cache().set('b', 2, { namespace: 'ns' });
      await cache().set('short:c', 3);
      expect(await cache().clear()).toBeGreaterThanOrEqual(dropped(3));
      expect(await cache().mget(['a', 'b', 'short:c'])).toEqual([undefined, undefined, undefined]);
      expect(await cache().invalidateTags('t')).toBe(0);
      await cache().set('a', 'again');
      expect(await cache().get('a')).toBe('again');
    });
  });

  registerValueContract(app);
}
