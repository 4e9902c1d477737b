// Property: whatever a service returns, the value read back is the same from the memory tier,
// from Redis (an instance without memory) and from a second instance, and it is what the README's
// value-types table promises (modelled below by `promised`, independently of the serializer).
import fc from 'fast-check';
import { RedisServer } from '../support/redis-server';
import { bootValuesApp, uniquePrefix, type ValuesApp } from './values-app';

jest.setTimeout(120_000);

const OMITTED = Symbol('omitted');

/**
 * The README table: Date, Map, Set, BigInt, Buffer, typed arrays, DataView, ArrayBuffer, NaN and
 * ±Infinity come back exactly; -0 comes back 0; undefined, functions and symbols are dropped from
 * objects and become null in arrays (holes too); class instances come back as plain objects.
 */
function promised(value: unknown, inArray = false): unknown {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return inArray ? null : OMITTED;
  }
  if (typeof value === 'number') return Object.is(value, -0) ? 0 : value;
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date || value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return value;
  }
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [promised(k, true), promised(v, true)]));
  }
  if (value instanceof Set) return new Set([...value].map((v) => promised(v, true)));
  if (Array.isArray(value)) return Array.from(value, (v) => promised(v, true));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const kept = promised(v);
    if (kept !== OMITTED) out[k] = kept;
  }
  return out;
}

const binary = fc.oneof(
  fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes)),
  fc.float64Array({ maxLength: 8 }),
  fc.int16Array({ maxLength: 8 }),
  fc.bigInt64Array({ maxLength: 4 }),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => new DataView(bytes.buffer)),
  fc.uint8Array({ maxLength: 16 }).map((bytes) => bytes.buffer),
  // a view onto part of a larger buffer: only its own bytes are stored
  fc.uint8Array({ minLength: 4, maxLength: 16 }).map((bytes) => bytes.subarray(1, 3)),
);
// above LONG_STRING (64 Ki characters), so kept beside the JSON: surrogate pairs and an odd
// length put slice and chunk boundaries inside characters
const LONG = `é${'😀x'.repeat(22_000)}`;
const long = fc
  .tuple(fc.string({ maxLength: 4, unit: 'grapheme' }), fc.string({ maxLength: 4 }))
  .map(([head, tail]) => `${head}${LONG}${tail}`);
const anything = fc.anything({
  maxDepth: 2,
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withSparseArray: true,
});
// typed rows (a Date, a BigInt), many enough to be kept in slices
const ROWS = Array.from({ length: 8_000 }, (_, id) => ({ id, at: new Date(id), n: BigInt(id) }));
const special = fc.constantFrom<unknown>(NaN, Infinity, -Infinity, -0, undefined, () => 1);

const values = fc.letrec((tie) => ({
  leaf: fc.oneof(
    { weight: 2, arbitrary: anything },
    { weight: 2, arbitrary: binary },
    { weight: 2, arbitrary: special },
    { weight: 1, arbitrary: long },
  ),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.array(tie('node'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie('node'), { maxKeys: 4 }),
    fc.array(fc.tuple(tie('leaf'), tie('node')), { maxLength: 3 }).map((e) => new Map(e)),
    fc.array(tie('leaf'), { maxLength: 3 }).map((items) => new Set(items)),
  ),
}));
// a list long enough to be kept in slices beside the JSON (engine/long-arrays.ts), a row in a
// hundred holding generated values (so some slices are typed and some plain), alone or as the
// page of a paged answer
const longRows = fc
  .array(fc.oneof(anything, binary, special), { minLength: 1, maxLength: 3 })
  .map((items) =>
    Array.from({ length: 4_000 }, (_, id) => ({
      id,
      label: `row ${id} of a list long enough to be kept in slices beside the JSON`,
      v: id % 100 === 0 ? items[(id / 100) % items.length] : id,
    })),
  );
/** What a service returns: never undefined or a function at the top (those are not stored). */
const returned = fc
  .oneof(
    { weight: 8, arbitrary: values.node },
    {
      weight: 8,
      arbitrary: fc.dictionary(fc.string({ maxLength: 6 }), values.node, { maxKeys: 4 }),
    },
    { weight: 1, arbitrary: longRows },
    { weight: 1, arbitrary: fc.record({ items: longRows, total: fc.nat() }) },
  )
  .filter((v) => v !== undefined && typeof v !== 'function');

describe('one value, whichever tier serves it', () => {
  let redis: RedisServer;
  let writer: ValuesApp;
  let second: ValuesApp;
  let redisOnly: ValuesApp;
  let memoryOnly: ValuesApp;

  beforeAll(async () => {
    redis = await RedisServer.start();
    const keyPrefix = uniquePrefix('values');
    // a low threshold, so that many generated values take the compressed (async) path too; no
    // size limit (uncacheable.spec has it), or ten generated long strings make a value uncacheable
    const shared = {
      redis: redis.url,
      keyPrefix,
      compressThreshold: 256,
      defaultTtl: 600,
      maxValueBytes: false as const,
    };
    writer = await bootValuesApp(shared);
    second = await bootValuesApp(shared);
    redisOnly = await bootValuesApp({ ...shared, memory: false });
    memoryOnly = await bootValuesApp({ redis: null, compressThreshold: 256, maxValueBytes: false });
  });
  afterAll(async () => {
    for (const app of [writer, second, redisOnly, memoryOnly]) await app?.close();
    await redis?.shutdown();
  });

  it('set / get: memory, Redis and a second instance give the promised value', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(returned, async (value) => {
        const key = `set:${++run}`;
        const expected = promised(value);
        await writer.cache.set(key, value);
        await memoryOnly.cache.set(key, value);
        expect(await memoryOnly.cache.get(key)).toStrictEqual(expected);
        expect(await writer.cache.get(key)).toStrictEqual(expected);
        expect(await redisOnly.cache.get(key)).toStrictEqual(expected);
        expect(await second.cache.get(key)).toStrictEqual(expected);
        // the second read of the second instance comes from the memory it filled from Redis
        expect(await second.cache.get(key)).toStrictEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('getOrSet: the miss, the hits and the other instances give the promised value', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(returned, async (value) => {
        const key = `loaded:${++run}`;
        const expected = promised(value);
        const load = jest.fn(() => value);
        expect(await writer.cache.getOrSet(key, load)).toStrictEqual(expected);
        expect(await writer.cache.getOrSet(key, load)).toStrictEqual(expected);
        expect(await second.cache.getOrSet(key, load)).toStrictEqual(expected);
        expect(await redisOnly.cache.getOrSet(key, load)).toStrictEqual(expected);
        expect(load).toHaveBeenCalledTimes(1);
        expect(await memoryOnly.cache.getOrSet(key, load)).toStrictEqual(expected);
        expect(await memoryOnly.cache.getOrSet(key, load)).toStrictEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it.each<[string, unknown, unknown]>([
    ['NaN and ±Infinity stay numbers', [NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity]],
    ['-0 becomes 0', { z: -0 }, { z: 0 }],
    ['a Buffer stays a Buffer', Buffer.from('hi'), Buffer.from('hi')],
    ['a long string stays exact', { doc: LONG, at: new Date(1) }, { doc: LONG, at: new Date(1) }],
    ['a long list of rows stays exact', { items: ROWS }, { items: ROWS }],
    ['a Uint8Array stays one', new Uint8Array([1, 2]), new Uint8Array([1, 2])],
    ['an undefined field is dropped', { a: 1, b: undefined }, { a: 1 }],
    ['a function field is dropped', { a: 1, f: () => 2 }, { a: 1 }],
    ['a symbol in an array becomes null', [Symbol('s'), 1], [null, 1]],
    ['a hole becomes null', [1, , 3], [1, null, 3]], // eslint-disable-line no-sparse-arrays
    [
      'a class instance becomes a plain object',
      new (class P {
        x = 1;
      })(),
      { x: 1 },
    ],
  ])('%s, from every tier', async (name, value, expected) => {
    const key = `case:${name}`;
    await writer.cache.set(key, value);
    await memoryOnly.cache.set(key, value);
    for (const app of [memoryOnly, writer, redisOnly, second]) {
      expect(await app.cache.get(key)).toStrictEqual(expected);
    }
  });
});
