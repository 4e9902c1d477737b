// JSON with exact round trips of the types JSON loses: Date, BigInt, Map, Set, NaN and ±Infinity,
// Buffer, typed arrays, DataView and ArrayBuffer. Each is written as { $t: <tag>, v: <data> }.

export const TYPE_KEY = '$t';

/**
 * Strings longer than this are kept beside the JSON (as { $t: 'L', v: [from, to] } into the
 * text that follows it), not in it: they are neither escaped nor parsed, and come back as
 * slices of the payload, so a 5 MB document costs no 5 MB JSON.parse on the event loop.
 */
export const LONG_STRING = 64 * 1024;

/** The long strings and array slices a value keeps beside its JSON, and their length so far. */
export interface Beside {
  strings: string[];
  chars: number;
}

/** Where a payload's reviver reads what was kept beside the JSON. */
export interface BesideReader {
  /** a long string: the characters from `from` to `to` */
  string(from: number, to: number): string;
  /** a long array: the array its slices are read into (`ranges` as written, unchecked) */
  array(ranges: unknown): unknown[];
}

/** Binary views rebuilt by their constructor name; anything else is not a view we know. */
const BINARY: Record<string, new (buffer: ArrayBuffer) => ArrayBufferView> = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
};

/**
 * A JSON.stringify replacer for the types above; `onTyped` is told when one was written, so a
 * payload without any can be parsed without a reviver. `this[key]` is the value before toJSON
 * (Date and Buffer have one), `value` the one after.
 */
export function typedReplacer(
  onTyped: () => void,
  beside?: Beside,
  sliced?: ReadonlyMap<unknown, unknown>,
) {
  return function replace(this: Record<string, unknown>, key: string, value: unknown): unknown {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      onTyped();
      return { [TYPE_KEY]: 'N', v: String(value) };
    }
    const raw = this[key];
    if (raw instanceof Date) {
      onTyped();
      return { [TYPE_KEY]: 'D', v: Number.isNaN(raw.getTime()) ? null : raw.getTime() };
    }
    // after Date, whose toJSON gives a string
    if (typeof value === 'string') {
      if (value.length <= LONG_STRING || !beside) return value;
      onTyped();
      const from = beside.chars;
      beside.strings.push(value);
      beside.chars += value.length;
      return { [TYPE_KEY]: 'L', v: [from, beside.chars] };
    }
    if (value === null || (typeof value !== 'object' && typeof value !== 'bigint')) return value;
    if (sliced !== undefined && Array.isArray(value)) {
      // a long array whose items were written beside the JSON, in slices (engine/long-arrays)
      const ranges = sliced.get(value);
      return ranges === undefined ? value : { [TYPE_KEY]: 'A', v: ranges };
    }
    if (typeof value === 'bigint') {
      onTyped();
      return { [TYPE_KEY]: 'B', v: value.toString() };
    }
    if (ArrayBuffer.isView(raw) || raw instanceof ArrayBuffer) {
      onTyped();
      return { [TYPE_KEY]: 'X', c: binaryName(raw), v: bytesOf(raw).toString('base64') };
    }
    if (value instanceof Map) {
      onTyped();
      return { [TYPE_KEY]: 'M', v: [...value.entries()] };
    }
    if (value instanceof Set) {
      onTyped();
      return { [TYPE_KEY]: 'S', v: [...value.values()] };
    }
    if (!Array.isArray(value) && TYPE_KEY in value) {
      // a user object that uses our marker key: stored as entries so decoding cannot mistake it
      onTyped();
      return { [TYPE_KEY]: 'O', v: Object.entries(value) };
    }
    return value;
  };
}

/** Deeper than this, a value takes the checked path (a cycle ends there too). */
const PLAIN_DEPTH = 64;

/**
 * true when JSON gives this value back equal, as it is: plain objects, arrays without holes,
 * strings no longer than LONG_STRING, booleans, null and finite numbers other than -0, nothing
 * typed, no toJSON. Such a value (the common case) is encoded without a replacer and kept
 * without decoding it back.
 */
export function isPlainJson(
  value: unknown,
  skip?: ReadonlyMap<unknown, unknown>,
  depth = 0,
): boolean {
  switch (typeof value) {
    case 'string':
      return value.length <= LONG_STRING;
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0);
    case 'object': {
      if (value === null) return true;
      if (depth > PLAIN_DEPTH) return false;
      if (skip?.has(value)) return true; // judged apart, slice by slice
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlainJson(value[i], skip, depth + 1)) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(value) !== Object.prototype || TYPE_KEY in value) return false;
      const record = value as Record<string, unknown>;
      for (const key in record) if (!isPlainJson(record[key], skip, depth + 1)) return false;
      return true;
    }
    default:
      return false;
  }
}

/**
 * The JSON.parse reviver that undoes typedReplacer; `beside` reads the long strings and arrays.
 * An unknown tag is left as data.
 */
export function typedReviver(beside?: BesideReader) {
  return (_key: string, value: unknown): unknown => revive(value, beside);
}

function revive(value: unknown, beside?: BesideReader): unknown {
  if (value === null || typeof value !== 'object' || !(TYPE_KEY in value)) return value;
  const { [TYPE_KEY]: type, v, c } = value as { $t: string; v: unknown; c?: string };
  switch (type) {
    case 'L': {
      const [from, to] = Array.isArray(v) ? (v as unknown[]) : [];
      const found = beside && typeof from === 'number' && typeof to === 'number';
      return found ? beside.string(from, to) : value;
    }
    case 'A':
      return beside ? beside.array(v) : value;
    case 'D':
      return new Date(v === null ? NaN : (v as number));
    case 'B':
      return BigInt(v as string);
    case 'N':
      return Number(v);
    case 'X':
      return binaryFrom(c, v as string) ?? value;
    case 'M':
      return new Map(v as [unknown, unknown][]);
    case 'S':
      return new Set(v as unknown[]);
    case 'O':
      // fromEntries defines own properties, so a '__proto__' entry cannot reach the prototype
      return Object.fromEntries(v as [string, unknown][]);
    default:
      return value;
  }
}

function binaryName(raw: ArrayBufferView | ArrayBuffer): string {
  if (Buffer.isBuffer(raw)) return 'Buffer';
  if (raw instanceof ArrayBuffer) return 'ArrayBuffer';
  const name = raw.constructor.name;
  // a subclass of a view is stored as its nearest known view
  return name in BINARY ? name : (Object.keys(BINARY).find((n) => raw instanceof BINARY[n]) ?? '');
}

/** Only the bytes the view covers: a view into a larger buffer does not store the rest. */
function bytesOf(raw: ArrayBufferView | ArrayBuffer): Buffer {
  return raw instanceof ArrayBuffer
    ? Buffer.from(raw)
    : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
}

function binaryFrom(name: string | undefined, base64: string): unknown {
  if (typeof base64 !== 'string' || name === undefined) return undefined;
  const bytes = Buffer.from(base64, 'base64');
  if (name === 'Buffer') return bytes;
  // a buffer of its own, offset 0: Buffer.from may return a slice of a shared pool, not aligned
  // for 2-, 4- and 8-byte views
  const own = new ArrayBuffer(bytes.length);
  new Uint8Array(own).set(bytes);
  if (name === 'ArrayBuffer') return own;
  return Object.prototype.hasOwnProperty.call(BINARY, name) ? new BINARY[name](own) : undefined;
}
