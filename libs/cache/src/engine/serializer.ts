import { SerializationError } from '../errors';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * What the engine stores, in memory and in Redis: the value plus the facts needed to serve,
 * expire and invalidate it without another round trip.
 */
export interface Envelope<T = unknown> {
  /** the cached value */
  v: T;
  /** created at, ms since epoch */
  c: number;
  /** fresh until, ms since epoch */
  e: number;
  /** served stale (while one refresh runs) until, ms since epoch; 0 = never stale */
  s: number;
  /** kept as a fallback for a failing loader until, ms since epoch */
  g: number;
  /** namespace, if any */
  n?: string;
  /** tags */
  t?: string[];
}

// Typed payloads start with a marker so that plain JSON (the common case) is parsed without a
// reviver, which would make every Redis hit several times slower.
const TYPED = 'T';
const COMPRESSED = 'Z';
const TYPE_KEY = '$t';

/** JSON with exact round trips of Date, BigInt, Map, Set, -0 aside; optional deflate above a threshold. */
export class Serializer {
  constructor(private readonly compressAbove: number | false) {}

  encode(envelope: Envelope): string {
    let typed = false;
    const json = JSON.stringify(envelope, function (this: Record<string, unknown>, key, value) {
      const raw = this[key];
      if (raw instanceof Date) {
        typed = true;
        return { [TYPE_KEY]: 'D', v: Number.isNaN(raw.getTime()) ? null : raw.getTime() };
      }
      if (typeof value === 'bigint') {
        typed = true;
        return { [TYPE_KEY]: 'B', v: value.toString() };
      }
      if (value instanceof Map) {
        typed = true;
        return { [TYPE_KEY]: 'M', v: [...value.entries()] };
      }
      if (value instanceof Set) {
        typed = true;
        return { [TYPE_KEY]: 'S', v: [...value.values()] };
      }
      if (
        value !== null &&
        typeof value === 'object' &&
        !Array.isArray(value) &&
        TYPE_KEY in value
      ) {
        // a user object that uses our marker key: stored as entries so decoding cannot mistake it
        typed = true;
        return { [TYPE_KEY]: 'O', v: Object.entries(value) };
      }
      return value;
    });
    const text = typed ? TYPED + json : json;
    if (this.compressAbove !== false && text.length > this.compressAbove) {
      return COMPRESSED + deflateRawSync(text).toString('base64');
    }
    return text;
  }

  decode<T = unknown>(payload: string): Envelope<T> {
    let text = payload;
    try {
      if (text.charCodeAt(0) === 90 /* Z */) {
        text = inflateRawSync(Buffer.from(text.slice(1), 'base64')).toString();
      }
      const envelope = (
        text.charCodeAt(0) === 84 /* T */ ? JSON.parse(text.slice(1), revive) : JSON.parse(text)
      ) as Envelope<T>;
      if (
        typeof envelope !== 'object' ||
        envelope === null ||
        typeof envelope.e !== 'number' ||
        !('v' in envelope)
      ) {
        throw new SerializationError('not a cache envelope');
      }
      return envelope;
    } catch (err) {
      throw new SerializationError(`cannot decode cached payload: ${(err as Error).message}`);
    }
  }
}

function revive(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || !(TYPE_KEY in value)) return value;
  const { [TYPE_KEY]: type, v } = value as { $t: string; v: unknown };
  switch (type) {
    case 'D':
      return new Date(v === null ? NaN : (v as number));
    case 'B':
      return BigInt(v as string);
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
