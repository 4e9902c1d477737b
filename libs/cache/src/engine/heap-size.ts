/**
 * What a memory-tier entry costs the V8 heap, estimated by walking its value once, when it is
 * stored (never on a hit). `memory.maxBytes` bounds this figure, so that a container sized from
 * it does not run out of memory: the encoded length, counted before, was a third of the truth
 * for typical objects (a parsed object's fields, headers and pointers outweigh its JSON).
 *
 * Figures are V8's on 64-bit Node without pointer compression, rounded up a little; the bench
 * (`npm run bench`, "heap growth / maxBytes") keeps them honest.
 */
import { inTurns, longArrays, type Steps } from './long-arrays';

const WORD = 8;
const OBJECT_HEADER = 3 * WORD; // map, properties, elements
const ARRAY_HEADER = 4 * WORD + 2 * WORD; // JSArray + its FixedArray header
const STRING_HEADER = 2 * WORD;
const HEAP_NUMBER = 2 * WORD;
/** a Map or Set: the object plus its hash table's fixed part */
const COLLECTION_HEADER = 12 * WORD;
/** per Map/Set entry: key, value, chain link and bucket share */
const COLLECTION_ENTRY = 4 * WORD;

/**
 * The fixed cost of one entry beyond its value: the key string's header, the envelope object
 * (7 fields), the LRU's per-slot arrays (key, value, links, TTL, start, size) and its index
 * entries. Tags and the key's characters are added per entry.
 */
export const ENTRY_OVERHEAD = 256;
/** per tag or namespace: the name in the envelope's array and the key in the index's set */
export const INDEX_ENTRY = 6 * WORD;

export function heapSize(value: unknown): number {
  return sizeOf(value, new Set());
}

/** Payloads longer than this have their value measured in steps (measuredInTurns). */
const MEASURED_IN_TURNS = 256 * 1024;
/** Items of a long array measured per step: about a millisecond's walk. */
const ITEMS_PER_STEP = 4096;

/**
 * heapSize(), its long arrays walked a few thousand items per turn of the event loop: the walk
 * of 50,000 rows takes 15 ms and more, and is no reason to hold the loop.
 */
export function heapSizeInTurns(value: unknown): Promise<number> {
  return inTurns(heapSizeSteps(value));
}

/**
 * For memory's byte limit, a value stored from a payload this long: measured in steps when the
 * payload is large; undefined for a small one, which MemoryTier.set measures itself.
 */
export function measuredInTurns(value: unknown, payloadChars: number): Promise<number> | undefined {
  return payloadChars > MEASURED_IN_TURNS ? heapSizeInTurns(value) : undefined;
}

/** heapSize() in steps: a long array's items ITEMS_PER_STEP at a time. */
export function* heapSizeSteps(value: unknown): Steps<number> {
  const seen = new Set<object>();
  let size = 0;
  for (const array of longArrays(value)) {
    seen.add(array); // counted here, then skipped by the walk of the rest
    size += ARRAY_HEADER + WORD * array.length;
    for (let i = 0; i < array.length; i++) {
      size += sizeOf(array[i], seen);
      if (i % ITEMS_PER_STEP === ITEMS_PER_STEP - 1) yield;
    }
  }
  return size + sizeOf(value, seen);
}

function sizeOf(value: unknown, seen: Set<object>): number {
  switch (typeof value) {
    case 'string':
      return stringSize(value);
    case 'number':
      return Number.isInteger(value) && Math.abs(value) < 2 ** 31 ? 0 : HEAP_NUMBER;
    case 'bigint':
      return HEAP_NUMBER + WORD * Math.ceil(value.toString(16).length / 16);
    case 'object':
      break;
    default:
      return 0; // booleans, undefined: a tagged constant in the slot
  }
  if (value === null || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return OBJECT_HEADER * 3 + value.byteLength;
  if (value instanceof Date) return OBJECT_HEADER + HEAP_NUMBER;
  if (Array.isArray(value)) {
    let size = ARRAY_HEADER + WORD * value.length;
    for (const item of value) size += sizeOf(item, seen);
    return size;
  }
  if (value instanceof Map || value instanceof Set) {
    let size = COLLECTION_HEADER + COLLECTION_ENTRY * value.size;
    for (const [k, v] of value.entries()) size += sizeOf(k, seen) + (k === v ? 0 : sizeOf(v, seen));
    return size;
  }
  let size = OBJECT_HEADER;
  for (const key in value) {
    // the property's slot, its descriptor share in the hidden class, and its value
    size += 2 * WORD + sizeOf((value as Record<string, unknown>)[key], seen);
  }
  return size;
}

export function stringSize(text: string): number {
  // one byte per character for Latin-1 strings, two otherwise; aligned to a word
  // eslint-disable-next-line no-control-regex
  const width = /[^\u0000-\u00ff]/.test(text) ? 2 : 1;
  return STRING_HEADER + Math.ceil((text.length * width) / WORD) * WORD;
}
