/** The layout's version, part of every key: keys of another layout are never read as entries. */
export const LAYOUT_VERSION = 'v2';

/**
 * Where things live in Redis. Everything starts with `<prefix>:v2:`; data, the ledger and locks
 * have their own segment so that a user's key can never be mistaken for library metadata.
 * No two keys need to share a slot (every script touches one key), so on a Cluster entries
 * spread over every master unless the prefix carries a hash tag.
 */
export class KeyLayout {
  /** everything of this layout starts with it */
  readonly root: string;
  /** the ledger: the invalidation counter and the markers (a hash) */
  readonly ledger: string;
  /** held by the instance whose reaper is running */
  readonly reaperLease: string;
  readonly channel: string;
  private readonly dataRoot: string;

  constructor(readonly prefix: string) {
    this.root = `${prefix}:${LAYOUT_VERSION}:`;
    this.dataRoot = `${this.root}d:`;
    this.ledger = `${this.root}m`;
    this.reaperLease = `${this.root}r`;
    this.channel = `${this.root}bus`;
  }

  data(key: string): string {
    return this.dataRoot + key;
  }

  /** the user's key back from a data key, or undefined when it is not one */
  keyOf(redisKey: string): string | undefined {
    return redisKey.startsWith(this.dataRoot) ? redisKey.slice(this.dataRoot.length) : undefined;
  }

  dataPattern(glob: string): string {
    return this.dataRoot + glob;
  }

  lock(key: string): string {
    return `${this.root}l:${key}`;
  }
}
