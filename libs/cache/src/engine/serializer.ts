import { SerializationError, UncacheableValueError } from '../errors';
import { ValueFormats, type ValueOptions } from '../values/value-format';
import { atOnce, inTurns, type Steps } from './long-arrays';
import {
  compressed,
  compressedSync,
  inflated,
  inflatedSync,
  parsed,
  parsedInTurns,
  parsing,
  PayloadText,
  writing,
  type WrittenText,
} from './payload';

/** Items of a long array revived into their class per step. */
const REVIVED_PER_STEP = 1000;

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

interface Encoded extends WrittenText {
  /** the class name the value is revived into */
  type?: string;
}

/**
 * Envelopes to payloads and back: JSON with exact round trips of the types in values/typed-json,
 * a custom format and a class per entry (values/value-format), deflate above a threshold. Large
 * values are encoded and decoded in steps (long arrays a slice per turn, deflate on the thread
 * pool), so that they do not hold the event loop.
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
   * A large value is encoded and decoded a long array's slice per turn of the event loop, and
   * deflated on the thread pool, so the loop is never held for the whole of it.
   */
  async prepare<T>(
    key: string,
    envelope: Envelope<T>,
    opts: ValueOptions<T> = {},
  ): Promise<Prepared<T>> {
    const encoded = await inTurns(this.encoded(key, envelope, opts));
    const payload = this.compresses(encoded.chars)
      ? await compressed(encoded.parts)
      : encoded.parts.join('');
    return { payload, envelope: await inTurns(this.decoded(key, envelope, encoded)) };
  }

  /**
   * prepare, synchronously and without compressing: the memory-only path of a sync method, where
   * the payload only tells the size.
   */
  prepareSync<T>(key: string, envelope: Envelope<T>, opts: ValueOptions<T> = {}): Prepared<T> {
    const encoded = atOnce(this.encoded(key, envelope, opts));
    return {
      payload: encoded.parts.join(''),
      envelope: atOnce(this.decoded(key, envelope, encoded)),
    };
  }

  /** The payload of an entry, compressed synchronously (inspection and tests). */
  encode(envelope: Envelope): string {
    const { parts, chars } = atOnce(this.text(envelope, {}, false));
    const text = parts.join('');
    return this.compresses(chars) ? compressedSync(text) : text;
  }

  /** An entry from a payload, or from the text inflated() made of one. */
  decode<T = unknown>(payload: string | PayloadText): Envelope<T> {
    try {
      const text = typeof payload === 'string' ? inflatedSync(payload) : payload;
      return atOnce(this.finishing<T>(parsed(text)));
    } catch (err) {
      throw decodeError(err);
    }
  }

  /** decode(), inflated on the thread pool and parsed a long array's slice per turn. */
  async decodeInTurns<T = unknown>(payload: string): Promise<Envelope<T>> {
    try {
      const text = await inflated(payload);
      return await inTurns(this.finishing<T>(await parsedInTurns(text!)));
    } catch (err) {
      throw decodeError(err);
    }
  }

  private *encoded(key: string, envelope: Envelope, opts: ValueOptions): Steps<Encoded> {
    this.formats.register(opts);
    // plain JSON data decodes to an equal value: it is kept, not decoded back (revived only)
    const plainable = !opts.serializer && !envelope.x && !this.formats.fallback;
    try {
      return {
        ...(yield* this.text(envelope, opts, plainable)),
        type: opts.type?.name ?? envelope.y,
      };
    } catch (err) {
      throw new UncacheableValueError(key, (err as Error).message);
    }
  }

  private *decoded<T>(key: string, envelope: Envelope<T>, encoded: Encoded): Steps<Envelope<T>> {
    const { parts, plain, type } = encoded;
    try {
      if (!plain) return yield* this.finishing<T>(yield* parsing(new PayloadText(parts)));
      if (!type) return envelope;
      return { ...envelope, v: (yield* this.reviving(type, envelope.v)) as T, y: type };
    } catch (err) {
      throw new UncacheableValueError(key, `it does not decode back: ${(err as Error).message}`);
    }
  }

  private compresses(chars: number): boolean {
    return this.compressAbove !== false && chars > this.compressAbove;
  }

  private *text(envelope: Envelope, opts: ValueOptions, plainable: boolean): Steps<WrittenText> {
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
    const text = yield* writing(stored, plainable, (chars) => this.checkSize(chars));
    this.checkSize(text.chars, text.parts);
    return text;
  }

  /** Throws past maxValueBytes: `chars` alone when it is enough to tell, else the parts' bytes. */
  private checkSize(chars: number, parts?: string[]): void {
    const max = this.maxValueBytes;
    if (max === false || chars * 3 <= max) return;
    const bytes = parts ? parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0) : chars;
    if (bytes > max) throw new Error(`${bytes} bytes is above maxValueBytes (${max})`);
  }

  /** A parsed payload as an entry: checked, its custom format decoded, its class revived. */
  private *finishing<T>(parsedValue: unknown): Steps<Envelope<T>> {
    const envelope = parsedValue as Envelope<T>;
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
    if (envelope.y !== undefined) envelope.v = (yield* this.reviving(envelope.y, envelope.v)) as T;
    return envelope;
  }

  /**
   * Instances of the class named, from plain data: a long array's items REVIVED_PER_STEP at a
   * time (class-transformer takes 2-5 ms per thousand rows).
   */
  private *reviving(name: string, value: unknown): Steps<unknown> {
    if (!Array.isArray(value) || value.length <= REVIVED_PER_STEP) {
      return this.formats.revive(name, value);
    }
    const items: unknown[] = [];
    for (let at = 0; at < value.length; at += REVIVED_PER_STEP) {
      const slice = this.formats.revive(name, value.slice(at, at + REVIVED_PER_STEP));
      for (const item of slice as unknown[]) items.push(item);
      yield;
    }
    return items;
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

function decodeError(err: unknown): SerializationError {
  return new SerializationError(`cannot decode cached payload: ${(err as Error).message}`);
}
