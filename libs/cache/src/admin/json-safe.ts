/**
 * A cached value as JSON can carry it: the serializer round-trips Map, Set, BigInt and Date,
 * which JSON.stringify would drop or throw on (a BigInt would turn a debug read into a 500).
 */
export function toJsonSafe(value: unknown, depth = 0): unknown {
  if (depth > 64) return '[too deep]';
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof Map)
    return { $map: [...value.entries()].map((e) => toJsonSafe(e, depth + 1)) };
  if (value instanceof Set)
    return { $set: [...value.values()].map((v) => toJsonSafe(v, depth + 1)) };
  if (Array.isArray(value)) return value.map((v) => toJsonSafe(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // defineProperty, so that a "__proto__" key stays a plain property
    Object.defineProperty(out, k, {
      value: toJsonSafe(v, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
