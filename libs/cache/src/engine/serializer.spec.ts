import { SerializationError, UncacheableValueError } from '../errors';
import { inflated, isCompressed } from './payload';
import { Serializer, type Envelope } from './serializer';

const envelope = <T>(v: T, extra: Partial<Envelope<T>> = {}): Envelope<T> => ({
  v,
  c: 1_700_000_000_000,
  e: 1_700_000_060_000,
  s: 0,
  g: 0,
  ...extra,
});

const protoKeyed = (extra = '') =>
  JSON.parse(`{${extra}"__proto__":{"polluted":"yes"},"a":1}`) as Record<string, unknown>;

describe('Serializer', () => {
  const serializer = new Serializer(false);
  const roundTrip = <T>(value: T) => serializer.decode<T>(serializer.encode(envelope(value))).v;

  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['0', 0],
    ['empty string', ''],
    ['false', false],
    ['a Date', new Date('2024-02-29T12:34:56.789Z')],
    ['nested objects and arrays', { a: [1, { b: [2, [3]] }], c: { d: null } }],
    [
      'a Map with non-string keys',
      new Map<unknown, unknown>([
        [1, 'one'],
        [{ k: 1 }, [2]],
      ]),
    ],
    ['a Set', new Set([1, 'a', null])],
    ['a BigInt', -(2n ** 80n)],
    ['a Date deep in a Map in a Set', new Set([new Map([['at', [new Date(7)]]])])],
    ['an object using the marker key', { $t: 'D', v: 5 }],
    ['a marker-like object among typed values', [new Date(1), { $t: 'M', v: [[1, 2]] }]],
    ['a marker-like object nested in one', { $t: 'S', v: { $t: 'B', v: '1' } }],
    ['an own __proto__ key', protoKeyed()],
    ['an own __proto__ key beside the marker key', protoKeyed('"$t":"O",')],
    ['NaN and ±Infinity', [NaN, Infinity, -Infinity, { n: NaN }]],
    ['a Buffer', Buffer.from([0, 1, 254, 255])],
    ['typed arrays', [new Float64Array([1.5, NaN]), new BigInt64Array([-1n]), new Int16Array(0)]],
    [
      'a DataView and an ArrayBuffer',
      [new DataView(new Uint8Array([1, 2]).buffer), new ArrayBuffer(3)],
    ],
    ['binary values as Map keys', new Map([[Buffer.from('k'), new Uint8Array([9])]])],
  ])('round-trips %s exactly', (_name, value) => {
    expect(roundTrip(value)).toStrictEqual(value);
  });

  it('stores only the bytes a view covers, in a buffer of its own', () => {
    const back = roundTrip(new Uint16Array([1, 2, 3, 4]).subarray(1, 3));
    expect(back).toStrictEqual(new Uint16Array([2, 3]));
    expect(back.byteOffset).toBe(0);
    expect(back.buffer.byteLength).toBe(4);
  });

  it('round-trips an invalid Date as an invalid Date', () => {
    const back = roundTrip(new Date(NaN));
    expect(back).toBeInstanceOf(Date);
    expect(back.getTime()).toBeNaN();
  });

  it('keeps the envelope fields, namespace and tags', () => {
    const full = envelope({ x: 1 }, { s: 5, g: 6, n: 'ns', t: ['a', 'b'] });
    expect(serializer.decode(serializer.encode(full))).toStrictEqual(full);
  });

  it('writes plain JSON, without a marker, when no value needs one', () => {
    const plain = envelope({ a: [1, 'two', null, { b: false }] });
    const payload = serializer.encode(plain);
    expect(payload.startsWith('{')).toBe(true);
    expect(payload).toBe(JSON.stringify(plain));
  });

  it.each<[string, unknown]>([
    ['a Date', { deep: [{ at: new Date(0) }] }],
    ['a Map', [new Map()]],
    ['a Set', { s: new Set() }],
    ['a BigInt', { n: 1n }],
    ['the marker key', { inner: { $t: 'x' } }],
  ])('marks the payload as typed when it holds %s', (_name, value) => {
    expect(serializer.encode(envelope(value)).startsWith('T{')).toBe(true);
  });

  it('never turns a crafted payload into prototype pollution', () => {
    const crafted =
      'T{"v":{"$t":"O","v":[["__proto__",{"polluted":"yes"}]]},"c":0,"e":1,"s":0,"g":0}';
    const value = serializer.decode<Record<string, unknown>>(crafted).v;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(value, '__proto__')).toBe(true);
    expect(value.polluted).toBeUndefined();
  });

  it('leaves an unknown type tag as data', () => {
    const payload = 'T{"v":{"$t":"Q","v":1},"c":0,"e":1,"s":0,"g":0}';
    expect(serializer.decode(payload).v).toEqual({ $t: 'Q', v: 1 });
  });

  it.each([
    ['garbage', 'garbage{{'],
    ['an empty payload', ''],
    ['broken typed JSON', 'T{"v":'],
    ['bad deflate data', 'Z!!!not base64 deflate'],
    ['JSON that is not an envelope', '{"v":1}'],
    ['JSON null', 'null'],
    ['a JSON array', '[1,2]'],
    ['a non-numeric expiry', '{"v":1,"e":"soon"}'],
  ])('throws SerializationError on %s', (_name, payload) => {
    expect(() => serializer.decode(payload)).toThrow(SerializationError);
    expect(() => serializer.decode(payload)).toThrow(/cannot decode cached payload/);
  });
});

describe('Serializer compression', () => {
  const big = { rows: Array.from({ length: 300 }, (_, id) => ({ id, name: `row ${id}` })) };

  it('deflates a payload above the threshold and inflates it back', () => {
    const serializer = new Serializer(1024);
    const payload = serializer.encode(envelope(big));
    expect(payload.startsWith('Z')).toBe(true);
    expect(payload.length).toBeLessThan(JSON.stringify(big).length / 2);
    expect(serializer.decode(payload).v).toStrictEqual(big);
  });

  it('compresses typed payloads too, and keeps their types', () => {
    const serializer = new Serializer(1024);
    const typed = { ...big, at: new Date(3), ids: new Set([1n]) };
    const payload = serializer.encode(envelope(typed));
    expect(payload.startsWith('Z')).toBe(true);
    expect(serializer.decode(payload).v).toStrictEqual(typed);
  });

  it('leaves a payload at or below the threshold alone, and never compresses when off', () => {
    const small = envelope({ id: 1 });
    const size = JSON.stringify(small).length;
    expect(new Serializer(size).encode(small).startsWith('{')).toBe(true);
    expect(new Serializer(size - 1).encode(small).startsWith('Z')).toBe(true);
    expect(new Serializer(false).encode(envelope(big)).startsWith('{')).toBe(true);
  });

  it('decodes a compressed payload whatever its own threshold', () => {
    const payload = new Serializer(10).encode(envelope(big));
    expect(new Serializer(false).decode(payload).v).toStrictEqual(big);
  });
});

describe('Serializer.prepare', () => {
  const cyclic = () => {
    const node: Record<string, unknown> = { id: 1 };
    node.self = node;
    return node;
  };

  it('gives the payload and the value decoded from it, not the value given', async () => {
    const value = { at: new Date(1), n: -0, skip: undefined, list: [undefined] };
    const { payload, envelope: back } = await new Serializer(false).prepare('k', envelope(value));
    expect(back.v).not.toBe(value);
    expect(back.v).toStrictEqual({ at: new Date(1), n: 0, list: [null] });
    expect(new Serializer(false).decode(payload)).toStrictEqual(back);
  });

  it('keeps plain JSON data as it is: decoding it back would give an equal value', async () => {
    const value = { a: [1, 'two', null, { b: false }] };
    const { payload, envelope: back } = await new Serializer(false).prepare('k', envelope(value));
    expect(back.v).toBe(value);
    expect(new Serializer(false).decode(payload).v).toStrictEqual(value);
  });

  it('deflates above the threshold; inflated() undoes it asynchronously, for decode()', async () => {
    const serializer = new Serializer(64);
    const value = { text: 'abc'.repeat(100) };
    const { payload } = await serializer.prepare('k', envelope(value));
    expect(isCompressed(payload)).toBe(true);
    const text = await inflated(payload);
    expect(typeof text === 'string' && text.startsWith('{')).toBe(true);
    expect(serializer.decode(text!).v).toStrictEqual(value);
    const plain = '{"v":1,"c":0,"e":1,"s":0,"g":0}';
    expect(await inflated(plain)).toBe(plain);
    expect(await inflated(null)).toBeNull();
    // bad deflate data is handed back as it is, for decode() to reject
    expect(await inflated('Z!!!')).toBe('Z!!!');
    expect(() => serializer.decode('Z!!!')).toThrow(SerializationError);
  });

  it.each<[string, unknown, number | false, RegExp]>([
    ['a cycle', cyclic(), false, /circular reference/],
    ['a value above maxValueBytes', 'x'.repeat(200), 100, /above maxValueBytes \(100\)/],
    ['a function', () => 1, false, /a function is not a value/],
  ])('refuses %s with UncacheableValueError naming the key', async (_name, value, max, reason) => {
    const serializer = new Serializer(false, max);
    const refused = serializer.prepare('the:key', envelope(value));
    await expect(refused).rejects.toThrow(UncacheableValueError);
    await expect(refused).rejects.toThrow(/"the:key"/);
    await expect(refused).rejects.toThrow(reason);
  });

  it('counts multi-byte characters as bytes against maxValueBytes', () => {
    // 115 characters either way; 175 bytes of UTF-8 with é, 235 with €
    const serializer = new Serializer(false, 200);
    expect(() => serializer.prepareSync('k', envelope('é'.repeat(60)))).not.toThrow();
    expect(() => serializer.prepareSync('k', envelope('€'.repeat(60)))).toThrow(/maxValueBytes/);
  });
});
