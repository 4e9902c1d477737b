import { setImmediate as turn } from 'node:timers/promises';
import { SerializationError, UncacheableValueError } from '../errors';
import { LONG_STRING } from '../values/typed-json';
import { atOnce, inTurns, longArrays } from './long-arrays';
import { Serializer, type Envelope } from './serializer';

const envelope = <T>(v: T): Envelope<T> => ({ v, c: 1, e: 2, s: 0, g: 0 });
const rows = (n: number) =>
  Array.from({ length: n }, (_, id) => ({ id, name: `customer ${id} é😀`, total: id * 1.5 }));
/** Counts the turns of the event loop that other work gets, until stop() is called. */
function turnCounter(): { readonly turns: number; stop(): number } {
  const counter = { turns: 0, running: true };
  void (async () => {
    while (counter.running) {
      counter.turns++;
      await turn();
    }
  })();
  return {
    get turns() {
      return counter.turns;
    },
    stop() {
      counter.running = false;
      return counter.turns;
    },
  };
}

/** The JSON part of an S payload (the text before what is kept beside it). */
const jsonOf = (payload: string) => {
  const colon = payload.indexOf(':');
  return payload.slice(colon + 1, colon + 1 + Number(payload.slice(1, colon)));
};

describe('long arrays, kept beside the JSON in slices', () => {
  const serializer = new Serializer(false);

  it('writes the rows of a large array in slices and reads them back exactly', async () => {
    const value = rows(20_000);
    const payload = serializer.encode(envelope(value));
    expect(payload.startsWith('S')).toBe(true);
    const json = JSON.parse(jsonOf(payload)) as { v: { $t: string; v: unknown[] } };
    expect(json.v.$t).toBe('A');
    // slices of about 64 KiB: many of them, none holding the whole array
    expect(json.v.v.length).toBeGreaterThan(10);
    expect(serializer.decode(payload).v).toStrictEqual(value);
    expect((await serializer.decodeInTurns(payload)).v).toStrictEqual(value);
  });

  it('finds them in a paged answer and in groups, and keeps typed items exact', () => {
    const typed = rows(5_000).map((r) => ({ ...r, at: new Date(r.id), big: BigInt(r.id) }));
    const value = {
      page: { items: rows(8_000), total: 8_000 },
      groups: [{ rows: typed }, { rows: rows(10) }],
    };
    const payload = serializer.encode(envelope(value));
    expect(jsonOf(payload).length).toBeLessThan(1_000);
    expect(serializer.decode(payload).v).toStrictEqual(value);
  });

  it('leaves a long array of little JSON, and one below the search depth, in the JSON', () => {
    expect(serializer.encode(envelope(Array.from({ length: 5_000 }, (_, i) => i)))).toMatch(/^\{/);
    const deep = { a: { b: { c: { d: rows(20_000) } } } };
    expect(serializer.encode(envelope(deep))).toMatch(/^\{/);
  });

  it('takes back what a slice it does not keep wrote beside: a long string is stored once', () => {
    const long = 'x'.repeat(LONG_STRING + 1);
    const value = Array.from({ length: 300 }, (_, id) => ({ id, note: id === 0 ? long : '' }));
    const payload = serializer.encode(envelope(value));
    expect(payload.length).toBeLessThan(long.length * 1.2);
    expect(serializer.decode(payload).v).toStrictEqual(value);
  });

  it('memory keeps plain rows as they are, and typed ones decoded back', async () => {
    const plain = rows(20_000);
    expect((await serializer.prepare('k', envelope(plain))).envelope.v).toBe(plain);
    const typed = plain.map((r) => ({ ...r, at: new Date(r.id) }));
    const back = (await serializer.prepare('k', envelope(typed))).envelope.v;
    expect(back).not.toBe(typed);
    expect(back).toStrictEqual(typed);
  });

  it('lets the event loop run between slices, writing and reading', async () => {
    const counter = turnCounter();
    const { payload } = await serializer.prepare('k', envelope(rows(20_000)));
    const written = counter.turns;
    await serializer.decodeInTurns(payload);
    expect(written).toBeGreaterThan(10);
    expect(counter.stop() - written).toBeGreaterThan(10);
  });

  it('revives a long array into its class a thousand items per turn', async () => {
    class Row {
      id!: number;
      name!: string;
      label(): string {
        return `#${this.id}`;
      }
    }
    const counter = turnCounter();
    const value = rows(5_000);
    const { payload, envelope: back } = await serializer.prepare('k', envelope(value), {
      type: Row,
    });
    const read = await serializer.decodeInTurns<Row[]>(payload);
    const turns = counter.stop();
    expect(payload.startsWith('{')).toBe(true); // below the slicing: the turns are the revival's
    for (const got of [back.v as unknown as Row[], read.v]) {
      expect(got).toHaveLength(5_000);
      expect(got.every((row) => row instanceof Row)).toBe(true);
      expect(got[4_321].label()).toBe('#4321');
    }
    expect(serializer.decode<Row[]>(payload).v[4_999]).toBeInstanceOf(Row);
    // 5 slices revived on the fill, 5 on the read
    expect(turns).toBeGreaterThanOrEqual(10);
  });

  it('reports a cycle inside a long array as uncacheable, naming the key', async () => {
    const value: unknown[] = rows(20_000);
    value[7_000] = { back: value };
    await expect(serializer.prepare('cyclic', envelope(value))).rejects.toThrow(
      new UncacheableValueError('cyclic', 'it has a circular reference'),
    );
  });

  it('stops at maxValueBytes while slicing, before the whole array is written', () => {
    const capped = new Serializer(false, 100_000);
    expect(() => capped.prepareSync('big', envelope(rows(20_000)))).toThrow(/above maxValueBytes/);
  });

  it.each([
    ['ranges that are not a list', '{"$t":"A","v":5}'],
    ['a range outside the payload', '{"$t":"A","v":[[0,99]]}'],
    ['a slice that is not an array', '{"$t":"A","v":[[0,2]]}'],
  ])('rejects a payload with %s as undecodable', async (_name, ref) => {
    const json = `{"v":${ref},"c":0,"e":1,"s":0,"g":0}`;
    const payload = `S${json.length}:${json}{}`;
    expect(() => serializer.decode(payload)).toThrow(SerializationError);
    await expect(serializer.decodeInTurns(payload)).rejects.toThrow(SerializationError);
  });
});

describe('longArrays', () => {
  it('finds each long array once, not the ones inside it, and stops at Maps and toJSON', () => {
    const list = rows(300);
    const inner = rows(300);
    const found = longArrays({
      a: list,
      b: list,
      c: [rows(300).concat([{ inner } as never])],
      m: new Map([['x', rows(300)]]),
      d: { toJSON: () => rows(300), rows: rows(300) },
    });
    expect(found).toHaveLength(2);
    expect(found[0]).toBe(list);
  });
});

describe('steps', () => {
  function* three() {
    yield;
    yield;
    return 3;
  }
  it('run at once or a turn apart, to the same result', async () => {
    expect(atOnce(three())).toBe(3);
    expect(await inTurns(three())).toBe(3);
  });
});
