import { createHash } from 'node:crypto';

/** Length of a digest in base64url characters: 22 characters carry 132 bits. */
export const DIGEST_LENGTH = 22;

/**
 * A canonical text of a value: JSON-like, with object keys sorted at every depth, so that equal
 * arguments give equal text whatever order their keys were written in. Unlike JSON.stringify it
 * tells `undefined` from `null`, and Date, BigInt, Map and Set from plain objects.
 */
export function canonicalize(value: unknown): string {
  return write(value, new Set());
}

/** A short, stable digest of a value (sha256 of its canonical text, base64url, truncated). */
export function stableDigest(value: unknown, length = DIGEST_LENGTH): string {
  return createHash('sha256').update(canonicalize(value)).digest('base64url').slice(0, length);
}

function write(value: unknown, seen: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // -0 and 0 are the same argument for any key; NaN/Infinity have no JSON form
      return Number.isFinite(value) ? String(value === 0 ? 0 : value) : String(value);
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
    case 'symbol':
      // not data: two calls that differ only in a callback share a key, as JSON would have it
      return typeof value;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) return '"[Circular]"';
  seen.add(object);
  try {
    return writeObject(object, seen);
  } finally {
    seen.delete(object);
  }
}

function writeObject(object: object, seen: Set<object>): string {
  if (object instanceof Date) {
    return `Date(${Number.isNaN(object.getTime()) ? 'Invalid' : object.toISOString()})`;
  }
  if (Array.isArray(object)) return `[${object.map((item) => write(item, seen)).join(',')}]`;
  if (object instanceof Map) {
    const entries = [...object.entries()].map(([k, v]) => `${write(k, seen)}:${write(v, seen)}`);
    return `Map{${entries.sort().join(',')}}`;
  }
  if (object instanceof Set) {
    return `Set[${[...object]
      .map((item) => write(item, seen))
      .sort()
      .join(',')}]`;
  }
  const toJSON = (object as { toJSON?: unknown }).toJSON;
  // Buffer, Decimal, ObjectId...: their JSON form is their identity
  if (typeof toJSON === 'function') return write(toJSON.call(object), seen);
  const fields = Object.keys(object)
    .filter((key) => (object as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${write((object as Record<string, unknown>)[key], seen)}`,
    );
  return `{${fields.join(',')}}`;
}
