// What Redis holds under a data key, read the way the engine frames it (`<stamp> <meta>\n<payload>`,
// a deleted key holding a tombstone for a while): tests assert on entries, not on key existence.
import { unframe } from '@app/cache/testing';

/** The stored payload (possibly compressed), or undefined for no key or a tombstone. */
export function payloadOf(raw: string | null | undefined): string | undefined {
  const framed = raw ? unframe(raw) : undefined;
  return framed && !framed.tombstone ? framed.payload : undefined;
}

/** Does Redis hold an entry (not a tombstone) in this raw value? */
export function isEntry(raw: string | null | undefined): boolean {
  return payloadOf(raw) !== undefined;
}
