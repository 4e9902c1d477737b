import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, inflateRaw, inflateRawSync } from 'node:zlib';
import { SerializationError, UncacheableValueError } from '../errors';
import { isPlainJson, typedReplacer, typedReviver } from '../values/typed-json';
import { ValueFormats, type ValueOptions } from '../values/value-format';

const deflateAsync = promisify(deflateRaw);
const inflateAsync = promisify(inflateRaw);

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
  /** the name of the serializer that encoded v, when not the built-in JSON */
  x?: string;
  /** the name of the class v is revived into */
  y?: string;
}

/** An entry ready to store: the payload for Redis, and the envelope memory holds. */
export interface Prepared<T> {
  payload: string;
  /** what decoding the payload gives, so memory serves what Redis would */
  envelope: Envelope<T>;
}

// Typed payloads start with a marker so that plain JSON (the common case) is parsed without a
// reviver, which would make every Redis hit several times slower.
const TYPED = 'T';
const COMPRESSED = 'Z';

interface Encoded {
  text: string;
  plain: boolean;
  /** the class name the value is revived into */
  type?: string;
}

/**
 * Envelopes to payloads and back: JSON with exact round trips of the types in values/typed-json,
 * a custom format and a class per entry (values/value-format), deflate above a threshold (async
 * when storing and reading, so large values do not block the event loop).
 */
export class Serializer {
  constructor(
    private readonly compressAbove: number | false,
    private readonly maxValueBytes: number | false = false,
    readonly formats = new ValueFormats(),
  ) {}

  /**
   * Encodes an entry and decodes it back: memory is filled with the second, so every tier serves
   * the same value (a class revived once here, not on each hit). Throws UncacheableValueError.
   * A large value is deflated on the thread pool, between its encoding and its decoding, so
   * the event loop is never held for both at once.
   */
  async prepare<T>(
    key: string,
    envelope: Envelope<T>,
    opts: ValueOptions<T> = {},
  ): Promise<Prepared<T>> {
    const encoded = this.encoded(key, envelope, opts);
    let payload = encoded.text;
    if (this.compressAbove !== false && payload.length > this.compressAbove) {
      payload = COMPRESSED + (await deflateAsync(payload)).toString('base64');
    }
    return { payload, envelope: this.decoded(key, envelope, encoded) };
  }

  /**
   * prepare, synchronously: compressed on the event loop when `compress` (explicit writes, whose
   * Redis command must go out before any command issued after them), else not at all (the
   * memory-only sync path, where the payload is a size).
   */
  prepareSync<T>(
    key: string,
    envelope: Envelope<T>,
    opts: ValueOptions<T> = {},
    compress = false,
  ): Prepared<T> {
    const encoded = this.encoded(key, envelope, opts);
    let payload = encoded.text;
    if (compress && this.compressAbove !== false && payload.length > this.compressAbove) {
      payload = COMPRESSED + deflateRawSync(payload).toString('base64');
    }
    return { payload, envelope: this.decoded(key, envelope, encoded) };
  }

  /** The payload of an entry, compressed synchronously (inspection and tests). */
  encode(envelope: Envelope): string {
    const text = this.text(envelope, {}, false);
    if (this.compressAbove !== false && text.length > this.compressAbove) {
      return COMPRESSED + deflateRawSync(text).toString('base64');
    }
    return text;
  }

  decode<T = unknown>(payload: string): Envelope<T> {
    try {
      const text =
        payload.charCodeAt(0) === 90 /* Z */
          ? inflateRawSync(Buffer.from(payload.slice(1), 'base64')).toString()
          : payload;
      return this.parse<T>(text);
    } catch (err) {
      throw decodeError(err);
    }
  }

  private encoded(key: string, envelope: Envelope, opts: ValueOptions): Encoded {
    this.formats.register(opts);
    // plain JSON data decodes to an equal value: it is kept, not decoded back (revived only)
    const plain =
      !opts.serializer && !envelope.x && !this.formats.fallback && isPlainJson(envelope.v);
    try {
      return { text: this.text(envelope, opts, plain), plain, type: opts.type?.name ?? envelope.y };
    } catch (err) {
      throw new UncacheableValueError(key, (err as Error).message);
    }
  }

  private decoded<T>(key: string, envelope: Envelope<T>, encoded: Encoded): Envelope<T> {
    const { text, plain, type } = encoded;
    try {
      if (!plain) return this.parse<T>(text);
      if (!type) return envelope;
      return { ...envelope, v: this.formats.revive(type, envelope.v) as T, y: type };
    } catch (err) {
      throw new UncacheableValueError(key, `it does not decode back: ${(err as Error).message}`);
    }
  }

  private text(envelope: Envelope, opts: ValueOptions, plain: boolean): string {
    const { formats } = this;
    if (typeof envelope.v === 'function' || typeof envelope.v === 'symbol') {
      throw new Error(`a ${typeof envelope.v} is not a value`);
    }
    const format =
      opts.serializer ?? (envelope.x ? formats.serializer(envelope.x) : formats.fallback);
    const type = opts.type?.name ?? envelope.y;
    let stored: Envelope = envelope;
    if (format || type) {
      stored = { ...envelope, v: format ? encodeWith(format, envelope.v) : envelope.v };
      if (format) stored.x = format.name;
      if (type) stored.y = type;
    }
    let typed = false;
    let json: string;
    try {
      json = plain
        ? JSON.stringify(stored)
        : JSON.stringify(
            stored,
            typedReplacer(() => (typed = true)),
          );
    } catch (err) {
      const message = (err as Error).message;
      throw new Error(/circular/i.test(message) ? 'it has a circular reference' : message, {
        cause: err,
      });
    }
    const text = typed ? TYPED + json : json;
    const max = this.maxValueBytes;
    if (max !== false && text.length * 3 > max && Buffer.byteLength(text) > max) {
      throw new Error(`${Buffer.byteLength(text)} bytes is above maxValueBytes (${max})`);
    }
    return text;
  }

  private parse<T>(text: string): Envelope<T> {
    const envelope = (
      text.charCodeAt(0) === 84 /* T */ ? JSON.parse(text.slice(1), typedReviver) : JSON.parse(text)
    ) as Envelope<T>;
    if (
      typeof envelope !== 'object' ||
      envelope === null ||
      typeof envelope.e !== 'number' ||
      !('v' in envelope)
    ) {
      throw new Error('not a cache envelope');
    }
    if (envelope.x !== undefined) {
      envelope.v = this.formats.serializer(envelope.x).decode(envelope.v as string | Buffer) as T;
    }
    if (envelope.y !== undefined) envelope.v = this.formats.revive(envelope.y, envelope.v) as T;
    return envelope;
  }
}

function encodeWith(format: { name: string; encode(value: unknown): unknown }, value: unknown) {
  let data: unknown;
  try {
    data = format.encode(value);
  } catch (err) {
    throw new Error(`serializer "${format.name}" threw: ${(err as Error).message}`, { cause: err });
  }
  if (typeof data !== 'string' && !Buffer.isBuffer(data)) {
    throw new Error(`serializer "${format.name}" returned neither a string nor a Buffer`);
  }
  return data;
}

export function isCompressed(payload: string | null): boolean {
  return payload !== null && payload.charCodeAt(0) === 90; /* Z */
}

/**
 * A payload inflated on the thread pool, ready for decode(); one that fails to inflate is
 * returned as it is, for decode() to report.
 */
export async function inflated(payload: string | null): Promise<string | null> {
  if (payload === null || !isCompressed(payload)) return payload;
  try {
    return (await inflateAsync(Buffer.from(payload.slice(1), 'base64'))).toString();
  } catch {
    return payload;
  }
}

function decodeError(err: unknown): SerializationError {
  return new SerializationError(`cannot decode cached payload: ${(err as Error).message}`);
}
