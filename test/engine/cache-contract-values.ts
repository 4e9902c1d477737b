// The rest of the contract: exact round trips, expiry, namespace TTLs, stats, stampedes and
// what happens to a load that an invalidation or a write overtakes.
import { waitFor } from '../support/wait-for';
import type { AppAccessor } from './cache-contract';

/** A loader that hangs until released, and tells when it has started. */
export function gatedLoader<T>(value: T) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const loader = jest.fn(async () => {
    await gate;
    return value;
  });
  const started = () => waitFor(() => loader.mock.calls.length > 0, { message: 'no load began' });
  return { loader, release, started };
}

/** An object with an own "__proto__" key, as JSON.parse makes it (an assignment would not). */
const protoKeyed = (extra = ''): Record<string, unknown> =>
  JSON.parse(`{${extra}"__proto__":{"polluted":"yes"},"a":1}`) as Record<string, unknown>;

/** Values that must come back exactly: type, class and content. */
export const ROUND_TRIP_CASES: [string, () => unknown][] = [
  ['null', () => null],
  ['0', () => 0],
  ['empty string', () => ''],
  ['false', () => false],
  ['a Date', () => new Date('2024-02-29T12:34:56.789Z')],
  ['nested objects and arrays', () => ({ a: [1, { b: [2, [3]], c: null }], d: { e: { f: 'g' } } })],
  [
    'a Map',
    () =>
      new Map<unknown, unknown>([
        ['k', { x: 1 }],
        [2, [new Date(0)]],
      ]),
  ],
  ['a Set', () => new Set<unknown>([1, 'a', null])],
  ['a BigInt', () => 2n ** 70n + 1n],
  ['an object using the marker key $t', () => ({ $t: 'D', v: 5 })],
  ['a marker-like object next to a Date', () => ({ at: new Date(0), fake: { $t: 'D', v: 5 } })],
  ['a marker-like object inside a Map', () => new Map([['m', { $t: 'M', v: [[1, 2]] }]])],
  ['an object with an own __proto__ key', () => protoKeyed()],
  ['an own __proto__ key next to a Date', () => ({ when: new Date(0), o: protoKeyed() })],
  ['an own __proto__ key in an object using $t', () => ({ o: protoKeyed('"$t":"x",') })],
];

export function registerValueContract(app: AppAccessor): void {
  const cache = () => app().cache;

  describe('round trips', () => {
    afterEach(() => {
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it.each(ROUND_TRIP_CASES)('%s comes back exactly', async (_name, make) => {
      await cache().set('set', make());
      expect(await cache().get('set')).toStrictEqual(make());
      expect(await cache().mget(['set'])).toStrictEqual([make()]);

      const loader = jest.fn(async () => make());
      expect(await cache().getOrSet('loaded', loader)).toStrictEqual(make());
      expect(await cache().getOrSet('loaded', loader)).toStrictEqual(make());
      expect(loader).toHaveBeenCalledTimes(1);
    });

    it('keeps an own __proto__ key as data, never as the prototype', async () => {
      await cache().set('k', [protoKeyed(), protoKeyed('"$t":"x",'), new Date(1)]);
      const [plain, marked] = (await cache().get<Record<string, unknown>[]>('k'))!;
      for (const got of [plain, marked]) {
        expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
        expect(Object.prototype.hasOwnProperty.call(got, '__proto__')).toBe(true);
        expect(got.polluted).toBeUndefined();
        expect(Object.getOwnPropertyDescriptor(got, '__proto__')?.value).toEqual({
          polluted: 'yes',
        });
      }
    });
  });

  describe('expiry', () => {
    it('an entry with a 1 s TTL disappears, a longer one stays', async () => {
      await cache().set('brief', 'v', { ttl: 1 });
      await cache().set('lasting', 'v', { ttl: 60 });
      expect(await cache().get('brief')).toBe('v');
      await waitFor(async () => (await cache().get('brief')) === undefined, {
        timeoutMs: 4000,
        message: 'a 1 s entry was still served',
      });
      expect(await cache().ttl('brief')).toBeNull();
      expect(await cache().get('lasting')).toBe('v');
    });

    it('a namespace TTL applies to the namespace option and to the first key segment', async () => {
      await cache().set('by-option', 1, { namespace: 'short' });
      await cache().set('short:by-segment', 2);
      await cache().set('short:explicit', 3, { ttl: 60 });
      await cache().set('other:key', 4);
      expect(await cache().ttl('by-option')).toBe(1);
      expect(await cache().ttl('short:by-segment')).toBe(1);
      expect(await cache().ttl('short:explicit')).toBeGreaterThan(50);
      expect(await cache().ttl('other:key')).toBeGreaterThan(50);
      await waitFor(
        async () =>
          (await cache().mget(['by-option', 'short:by-segment'])).every((v) => v === undefined),
        { timeoutMs: 4000, message: 'entries of the 1 s namespace were still served' },
      );
      expect(await cache().mget(['short:explicit', 'other:key'])).toEqual([3, 4]);
    });
  });

  describe('stats', () => {
    it('has the documented shape and its counters move', async () => {
      const { options } = app().engine;
      const initial = cache().stats();
      expect(initial).toMatchObject({ hits: 0, misses: 0, hitRate: 0, loads: 0, errors: 0 });
      expect(initial.latencyMs.hit).toEqual({ p50: 0, p95: 0, p99: 0, max: 0, samples: 0 });
      expect(initial.redis.status).toBe(options.redis ? 'ready' : 'disabled');
      expect(new Date(initial.since).getTime()).not.toBeNaN();

      expect(await cache().get('short:missing')).toBeUndefined(); // miss
      await cache().set('short:a', 1);
      await cache().get('short:a'); // hit
      await cache().getOrSet('b', async () => 'b'); // miss + load
      await cache().getOrSet('b', async () => 'b'); // hit
      await cache().invalidateTags('nothing-carries-this');
      await cache().delete('short:a');

      const stats = cache().stats();
      expect(stats).toMatchObject({ hits: 2, misses: 2, hitRate: 0.5, loads: 1 });
      expect(stats.invalidations).toBe(1); // the delete; the tag matched nothing
      expect(stats.latencyMs.miss.samples).toBe(2);
      expect(stats.namespaces.short).toMatchObject({ hits: 1, misses: 1 });
      expect(stats.slowestMisses.map((m) => m.key).sort()).toEqual(['b', 'short:missing']);
      if (options.memory) expect(stats.memory).toEqual({ entries: 1, bytes: expect.any(Number) });
      else expect(stats.memory).toBeNull();
    });
  });

  describe('stampede', () => {
    it('100 concurrent getOrSet of a cold key run the loader once and all get its value', async () => {
      const { loader, release, started } = gatedLoader({ answer: 42 });
      const calls = Array.from({ length: 100 }, () => cache().getOrSet('cold', loader));
      await started(); // the load is held open until every call overlaps it
      release();
      const values = await Promise.all(calls);
      expect(loader).toHaveBeenCalledTimes(1);
      expect(values).toHaveLength(100);
      for (const value of values) expect(value).toEqual({ answer: 42 });
      expect(await cache().getOrSet('cold', loader)).toEqual({ answer: 42 });
      expect(loader).toHaveBeenCalledTimes(1);
    });
  });

  describe('a load overtaken by a change', () => {
    it.each<[string, () => Promise<unknown>]>([
      ['delete', () => cache().delete('k')],
      ['invalidateTags', () => cache().invalidateTags('t')],
      ['invalidateNamespace', () => cache().invalidateNamespace('short')],
      ['invalidatePattern', () => cache().invalidatePattern('k*')],
      ['clear', () => cache().clear()],
    ])('returns its value but does not store it after %s', async (_name, change) => {
      const { loader, release, started } = gatedLoader('old');
      const loading = cache().getOrSet('k', loader, { tags: ['t'], namespace: 'short' });
      await started();
      await change();
      release();
      expect(await loading).toBe('old');
      expect(await cache().get('k')).toBeUndefined();
    });

    it('loses to a set that came while it ran', async () => {
      const { loader, release, started } = gatedLoader('loaded');
      const loading = cache().getOrSet('k', loader);
      await started();
      await cache().set('k', 'explicit');
      release();
      expect(await loading).toBe('loaded');
      expect(await cache().get('k')).toBe('explicit');
    });
  });
}
