import { setTimeout as later } from 'node:timers/promises';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  isPlainJson,
  typedReplacer,
  typedReviver,
  type Beside,
  type BesideReader,
} from '../values/typed-json';
import { deflateToBase64, inflateFromBase64 } from './compression';
import {
  atOnce,
  fillArrays,
  inTurns,
  longArrays,
  sliceArrays,
  type PendingArray,
  type SliceText,
  type Steps,
} from './long-arrays';

// The text of a stored entry. Plain JSON (the common case) has no marker, so that it is parsed
// without a reviver, which would make every Redis hit several times slower; typed JSON starts
// with T; a value with long strings or long arrays is `S<length of the JSON>:<JSON><the long
// strings and the arrays' slices>` (see LONG_STRING, long-arrays.ts); Z and base64 wrap any of
// them deflated.
const TYPED = 'T';
const BESIDE = 'S';
const COMPRESSED = 'Z';
const REVIVE = typedReviver();
/** An inflated text this long is joined in a turn of its own, before it is parsed. */
const JOIN_APART = 1024 * 1024;

/**
 * A payload's text as the pieces it was built or inflated in. Ranges of it are joined from the
 * pieces they cover, as a rope: a 5 MB string is never copied whole in one call (on a busy
 * machine, allocating and filling 5 MB at once holds the event loop for 15 ms and more).
 */
export class PayloadText {
  readonly length: number;
  private readonly starts: number[] = [];

  constructor(private readonly pieces: readonly string[]) {
    let length = 0;
    for (const piece of pieces) {
      this.starts.push(length);
      length += piece.length;
    }
    this.length = length;
  }

  /** The characters from `from` to `to`; slices of a flat piece share its memory. */
  slice(from: number, to = this.length): string {
    let text = '';
    for (let i = 0; i < this.pieces.length && this.starts[i] < to; i++) {
      const start = this.starts[i];
      const piece = this.pieces[i];
      if (start + piece.length <= from) continue;
      text += piece.slice(Math.max(0, from - start), Math.min(piece.length, to - start));
    }
    return text;
  }
}

/** A payload's text, as the pieces it is written in, and whether plain JSON.parse undoes it. */
export interface WrittenText {
  /** joined only where they must be: joining would copy the long strings */
  parts: string[];
  chars: number;
  plain: boolean;
}

/**
 * A value's payload text, in steps: one per long array's slice. `plainable`: JSON.parse may
 * give the value back equal (no custom format); `grown(chars)` is told the size as it grows,
 * to stop at a limit.
 */
export function* writing(
  value: unknown,
  plainable: boolean,
  grown: (chars: number) => void,
): Steps<WrittenText> {
  const beside: Beside = { strings: [], chars: 0 };
  const envelope = value as { v?: unknown };
  // long arrays first, a slice per step: the JSON then holds only their places
  const sliced = yield* sliceArrays(longArrays(envelope.v), beside, (items): SliceText => {
    const plain = plainable && isPlainJson(items);
    const json = stringified(items, plain ? undefined : typedReplacer(() => {}, beside));
    grown(beside.chars + json.length);
    return { json, plain };
  });
  const plain = plainable && sliced.plain && isPlainJson(envelope.v, sliced.ranges);
  let typed = false;
  const json = stringified(
    value,
    plain && sliced.ranges.size === 0
      ? undefined
      : typedReplacer(() => (typed = true), beside, sliced.ranges),
  );
  let parts: string[];
  if (beside.strings.length > 0) parts = [`${BESIDE}${json.length}:`, json, ...beside.strings];
  else parts = typed ? [TYPED, json] : [json];
  return { parts, chars: parts.reduce((sum, part) => sum + part.length, 0), plain };
}

/** JSON.stringify, with a cycle reported as what it is. */
function stringified(value: unknown, replacer?: ReturnType<typeof typedReplacer>): string {
  try {
    return JSON.stringify(value, replacer);
  } catch (err) {
    const message = (err as Error).message;
    throw new Error(/circular/i.test(message) ? 'it has a circular reference' : message, {
      cause: err,
    });
  }
}

/** A payload's text deflated on the thread pool. */
export async function compressed(parts: readonly string[]): Promise<string> {
  return COMPRESSED + (await deflateToBase64(parts));
}

export function compressedSync(text: string): string {
  return COMPRESSED + deflateRawSync(text).toString('base64');
}

/**
 * JSON.parse of a payload's text, typed or not, with what it keeps beside the JSON read back,
 * all at once.
 */
export function parsed(text: string | PayloadText): unknown {
  const marker = typeof text === 'string' ? text.charCodeAt(0) : text.slice(0, 1).charCodeAt(0);
  if (marker === 84 /* T */) return JSON.parse(text.slice(1), REVIVE);
  if (marker !== 83 /* S */) return JSON.parse(text.slice(0));
  return atOnce(parsingBeside(text));
}

/** parsed(), a long array's slice per turn of the event loop. */
export function parsedInTurns(text: string | PayloadText): Promise<unknown> {
  return inTurns(parsing(text));
}

/** parsed(), in steps: one per long array's slice. */
export function* parsing(text: string | PayloadText): Steps<unknown> {
  return text.slice(0, 1) === BESIDE ? yield* parsingBeside(text) : parsed(text);
}

/** Payloads longer than this are read in steps: reviving a class may take several. */
const READ_IN_TURNS_ABOVE = 64 * 1024;

/** Is this payload read in steps (inflated, long arrays, a class revived in slices)? */
export function readInTurns(payload: string): boolean {
  return (
    isCompressed(payload) ||
    payload.charCodeAt(0) === 83 /* S */ ||
    payload.length > READ_IN_TURNS_ABOVE
  );
}

function* parsingBeside(text: string | PayloadText): Steps<unknown> {
  const head = text.slice(0, 24);
  const colon = head.indexOf(':');
  const start = colon + 1;
  const end = start + Number(head.slice(1, colon));
  if (colon < 2 || !Number.isSafeInteger(end) || end > text.length) {
    throw new Error('a malformed payload');
  }
  const besideText = (from: number, to: number) => {
    if (!(from >= 0 && from <= to && end + to <= text.length)) {
      throw new Error('a long string or array outside the payload');
    }
    return text.slice(end + from, end + to);
  };
  const pending: PendingArray[] = [];
  const beside: BesideReader = {
    string: besideText,
    array(ranges) {
      const into: unknown[] = [];
      pending.push({ into, ranges });
      return into;
    },
  };
  const revive = typedReviver(beside);
  const value = JSON.parse(text.slice(start, end), revive);
  yield* fillArrays(pending, (from, to, typed) =>
    JSON.parse(besideText(from, to), typed ? revive : undefined),
  );
  return value;
}

export function isCompressed(payload: string | null): boolean {
  return payload !== null && payload.charCodeAt(0) === 90; /* Z */
}

/**
 * A payload inflated on the thread pool, ready for decode(); one that fails to inflate is
 * returned as it is, for decode() to report.
 */
export async function inflated(payload: string | null): Promise<string | PayloadText | null> {
  if (payload === null || !isCompressed(payload)) return payload;
  let text: PayloadText;
  try {
    text = new PayloadText(await inflateFromBase64(payload, 1));
  } catch {
    return payload;
  }
  if (text.slice(0, 1) === BESIDE) return text; // its long strings are never joined
  const whole = text.slice(0);
  if (whole.length < JOIN_APART) return whole;
  // JSON.parse needs one flat string: copying megabytes into it costs a busy machine about as
  // much as parsing them, so it is made in a turn of the loop of its own
  whole.charCodeAt(0); // flattens the joined pieces now
  await later(0); // a timer, not setImmediate: the loop's timers and I/O run in between
  return whole;
}

/** A payload's text: inflated here, on the event loop, when it is compressed. */
export function inflatedSync(payload: string): string {
  return isCompressed(payload)
    ? inflateRawSync(Buffer.from(payload.slice(1), 'base64')).toString()
    : payload;
}
