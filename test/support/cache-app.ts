// What every suite that boots CacheModule needs: a prefix of its own.

let counter = 0;

/** A keyPrefix that no other test, suite or earlier run against the same server uses. */
export function uniquePrefix(label: string): string {
  return `${label.replace(/[^A-Za-z0-9]+/g, '-')}-${process.pid}-${++counter}`;
}
