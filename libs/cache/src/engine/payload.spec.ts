import { SerializationError } from '../errors';
import { LONG_STRING } from '../values/typed-json';
import { inflated, isCompressed, PayloadText } from './payload';
import { Serializer, type Envelope } from './serializer';

const envelope = <T>(v: T): Envelope<T> => ({ v, c: 1, e: 2, s: 0, g: 0 });

describe('Serializer: long strings beside the JSON', () => {
  // odd lengths and surrogate pairs, so that slices and chunks fall inside characters
  const long = (seed: string) => `${seed}é${'😀'.repeat(LONG_STRING)}${seed}`;

  it('writes them after the JSON, not in it, and reads them back exactly', () => {
    const value = { doc: long('a'), list: [long('b'), 'short'], at: new Date(5) };
    const payload = new Serializer(false).encode(envelope(value));
    expect(payload.startsWith('S')).toBe(true);
    // the JSON part is small: the strings are not escaped into it
    const jsonLength = Number(payload.slice(1, payload.indexOf(':')));
    expect(jsonLength).toBeLessThan(300);
    expect(new Serializer(false).decode(payload).v).toStrictEqual(value);
  });

  it('keeps a string at the limit in the JSON', () => {
    const value = { doc: 'x'.repeat(LONG_STRING) };
    expect(new Serializer(false).encode(envelope(value)).startsWith('{')).toBe(true);
  });

  it('round-trips them compressed, through inflated(), in Map and Set too', async () => {
    const serializer = new Serializer(1024);
    const value = { m: new Map([[long('k'), long('v')]]), s: new Set([long('s')]) };
    const { payload, envelope: back } = await serializer.prepare('k', envelope(value));
    expect(isCompressed(payload)).toBe(true);
    expect(back.v).toStrictEqual(value);
    const text = await inflated(payload);
    // the long strings stay in the pieces they were inflated in
    expect(text).toBeInstanceOf(PayloadText);
    expect(serializer.decode(text!).v).toStrictEqual(value);
    expect(serializer.decode(payload).v).toStrictEqual(value);
  });

  it('inflates a text of over a million characters into one string, for JSON.parse', async () => {
    const serializer = new Serializer(1024);
    // many keys, not a long array (which is kept in slices)
    const byId = Object.fromEntries(
      Array.from({ length: 40_000 }, (_, id) => [`id${id}`, { id, name: `row ${id} é😀` }]),
    );
    const { payload } = await serializer.prepare('k', envelope(byId));
    const text = await inflated(payload);
    expect(typeof text === 'string' && text.length > 1024 * 1024).toBe(true);
    expect(serializer.decode(text!).v).toStrictEqual(byId);
  });

  it.each([
    ['a length past the end', 'S99999:{"v":1}'],
    ['no length', 'S:{"v":1}'],
    ['a string outside the payload', 'S45:{"v":{"$t":"L","v":[0,9]},"c":0,"e":1,"s":0,"g":0}abc'],
  ])('rejects a payload with %s as undecodable', (_name, payload) => {
    expect(() => serializer().decode(payload)).toThrow(SerializationError);
  });

  const serializer = () => new Serializer(false);
});

describe('PayloadText', () => {
  const text = new PayloadText(['abc', '', 'defg', 'h']);

  it('reads ranges across its pieces as one string', () => {
    expect(text.length).toBe(8);
    expect(text.slice(0)).toBe('abcdefgh');
    expect(text.slice(2, 6)).toBe('cdef');
    expect(text.slice(3, 7)).toBe('defg');
    expect(text.slice(7)).toBe('h');
    expect(text.slice(5, 5)).toBe('');
  });
});
