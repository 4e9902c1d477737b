/**
 * How an entry is framed in Redis: `<stamp> <meta>\n<payload>`.
 * - stamp: the ledger seq read before the entry's value was loaded (an explicit set: a seq taken
 *   for it). An entry is invalidated by any marker of its scope whose seq is above its stamp
 *   (engine/markers.ts), so invalidating a tag never touches the entries that carry it.
 * - meta: JSON `[namespace, tags]`, so that the reaper can judge an entry from its first bytes
 *   without fetching or decoding its value.
 * A deleted key holds a tombstone, `<seq> -`, for the guard window: a load that began before
 * the delete carries a lower stamp, and the write script refuses it (lua-scripts.ts).
 */

export interface EntryHeader {
  stamp: number;
  namespace?: string;
  tags?: string[];
}

export type Unframed =
  { stamp: number; payload: string; tombstone?: undefined } | { stamp: number; tombstone: true };

export function frame(
  stamp: number,
  payload: string,
  namespace: string | undefined,
  tags: string[] | undefined,
): string {
  return `${stamp} ${JSON.stringify([namespace ?? null, tags ?? []])}\n${payload}`;
}

/** The stamp and payload of a stored value; undefined when it is not framed (an old layout's). */
export function unframe(raw: string): Unframed | undefined {
  const space = raw.indexOf(' ');
  const stamp = space > 0 ? Number(raw.slice(0, space)) : NaN;
  if (!Number.isSafeInteger(stamp)) return undefined;
  if (raw.charCodeAt(space + 1) === 45 /* - */) return { stamp, tombstone: true };
  const newline = raw.indexOf('\n', space);
  return newline < 0 ? undefined : { stamp, payload: raw.slice(newline + 1) };
}

/**
 * The header of a stored value from its first bytes (GETRANGE): null for a tombstone,
 * undefined when the prefix is cut before the header ends or is not framed.
 */
export function readHeader(prefix: string): EntryHeader | null | undefined {
  const unframed = unframe(prefix);
  if (unframed?.tombstone) return null;
  if (!unframed) return undefined;
  const space = prefix.indexOf(' ');
  try {
    const [namespace, tags] = JSON.parse(prefix.slice(space + 1, prefix.indexOf('\n'))) as [
      string | null,
      string[],
    ];
    return { stamp: unframed.stamp, namespace: namespace ?? undefined, tags };
  } catch {
    return undefined;
  }
}
