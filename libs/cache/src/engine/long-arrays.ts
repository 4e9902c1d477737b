import { setImmediate as turn } from 'node:timers/promises';
import type { Beside } from '../values/typed-json';

// Long arrays (a page of rows, a list of 50,000 records) are the values whose JSON costs the
// event loop most: one JSON.stringify or JSON.parse of 5 MB of small objects holds it for 30 ms
// and more. Their items are written beside the JSON in slices of about SLICE_CHARS, each
// stringified, and later parsed, in a turn of the loop of its own; the JSON keeps
// { $t: 'A', v: [[from, to, typed?], ...] } in the array's place (values/typed-json).

/** Arrays shorter than this are left in the JSON. */
const LONG_ARRAY = 256;
/** Nor is an array sliced whose JSON is estimated below this. */
const SLICED_ABOVE = 256 * 1024;
/** The JSON of one slice aims at this size: about a millisecond to make or to parse. */
const SLICE_CHARS = 64 * 1024;
/** How many items the first slice of an array holds: they measure the rest. */
const FIRST_SLICE = 32;
/** How deep in a value long arrays are looked for: the lists of rows are near the top. */
const SEARCH_DEPTH = 3;

/** One slice: its place beside the JSON, and 1 when it needs the typed reviver. */
export type SliceRange = [from: number, to: number] | [from: number, to: number, typed: 1];

/** A slice's JSON text, and whether plain JSON.parse gives its items back equal. */
export interface SliceText {
  json: string;
  plain: boolean;
}

/** The sliced arrays, each with its slices, and whether every slice was plain. */
export interface Sliced {
  ranges: Map<unknown[], SliceRange[]>;
  plain: boolean;
}

/**
 * A computation in steps: each yield is a point where the event loop may run. The same steps
 * run at once (an explicit set(), a sync decode) or one turn of the loop apart.
 */
export type Steps<T> = Generator<void, T, void>;

export function atOnce<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export async function inTurns<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await turn();
  }
}

/**
 * The long arrays near the top of a value (not inside each other): the value itself, the items
 * of a paged answer, the rows of each of a few groups. Objects with toJSON, Maps, Sets and
 * binary views are left whole, as the replacer writes them otherwise.
 */
export function longArrays(value: unknown, depth = 0, found: unknown[][] = []): unknown[][] {
  if (typeof value !== 'object' || value === null || depth > SEARCH_DEPTH) return found;
  if (Array.isArray(value)) {
    if (value.length >= LONG_ARRAY) {
      if (!found.includes(value)) found.push(value);
    } else {
      for (const item of value) longArrays(item, depth + 1, found);
    }
  } else if (
    typeof (value as { toJSON?: unknown }).toJSON !== 'function' &&
    !(value instanceof Map || value instanceof Set || ArrayBuffer.isView(value))
  ) {
    for (const key of Object.keys(value)) {
      longArrays((value as Record<string, unknown>)[key], depth + 1, found);
    }
  }
  return found;
}

/**
 * Writes the items of each array beside the JSON, one slice per step. An array whose first
 * slice shows it short of SLICED_ABOVE is left to the JSON, and what that slice wrote beside
 * (its long strings) is taken back.
 */
export function* sliceArrays(
  arrays: readonly unknown[][],
  beside: Beside,
  stringify: (items: unknown[]) => SliceText,
): Steps<Sliced> {
  const sliced: Sliced = { ranges: new Map(), plain: true };
  for (const array of arrays) {
    const mark = { strings: beside.strings.length, chars: beside.chars };
    const ranges: SliceRange[] = [];
    let size = FIRST_SLICE;
    for (let at = 0; at < array.length;) {
      const count = Math.min(size, array.length - at);
      const slice = stringify(array.slice(at, at + count));
      if (at === 0 && (slice.json.length * array.length) / count < SLICED_ABOVE) break;
      sliced.plain &&= slice.plain; // after the break: a slice not kept does not count
      ranges.push(
        slice.plain
          ? [beside.chars, beside.chars + slice.json.length]
          : [beside.chars, beside.chars + slice.json.length, 1],
      );
      beside.strings.push(slice.json);
      beside.chars += slice.json.length;
      at += count;
      // the next slice sized on this one's items
      size = Math.max(1, Math.round((SLICE_CHARS * count) / Math.max(1, slice.json.length)));
      yield;
    }
    if (ranges.length === 0) {
      beside.strings.length = mark.strings;
      beside.chars = mark.chars;
      continue;
    }
    sliced.ranges.set(array, ranges);
  }
  return sliced;
}

/** A long array found while parsing, still empty, and the slices it is read from. */
export interface PendingArray {
  into: unknown[];
  ranges: unknown;
}

/**
 * Reads each pending array's slices into it, one slice per step. `parse` may find more long
 * arrays (a payload is not trusted to nest them as we write them): they are read in turn.
 */
export function* fillArrays(
  pending: PendingArray[],
  parse: (from: number, to: number, typed: boolean) => unknown,
): Steps<void> {
  for (let i = 0; i < pending.length; i++) {
    const { into, ranges } = pending[i];
    if (!Array.isArray(ranges)) throw new Error('a malformed long array');
    for (const range of ranges as unknown[]) {
      const [from, to, typed] = Array.isArray(range) ? (range as unknown[]) : [];
      if (typeof from !== 'number' || typeof to !== 'number') {
        throw new Error('a malformed long array');
      }
      const items = parse(from, to, typed === 1);
      if (!Array.isArray(items)) throw new Error('a long array slice that is not an array');
      for (const item of items) into.push(item);
      yield;
    }
  }
}
