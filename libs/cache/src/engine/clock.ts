/**
 * Date.now() costs more than a memory-tier lookup, so the hit path reads a clock that is
 * refreshed at most once per millisecond (lru-cache does the same for its TTLs). Expiry is
 * decided to the millisecond, which is all a TTL in seconds needs.
 */
let cached = 0;

function forget(): void {
  cached = 0;
}

export function coarseNow(): number {
  if (cached === 0) {
    cached = Date.now();
    setTimeout(forget, 1).unref();
  }
  return cached;
}
