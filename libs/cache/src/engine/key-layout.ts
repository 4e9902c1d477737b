/**
 * Where things live in Redis. Everything starts with `<prefix>:`; data, tag indexes and
 * invalidation markers have their own segment so that a user's key can never be mistaken for
 * library metadata, whatever it looks like.
 */
export class KeyLayout {
  readonly root: string;
  readonly seq: string;
  readonly channel: string;
  private readonly dataRoot: string;

  constructor(readonly prefix: string) {
    this.root = `${prefix}:`;
    this.dataRoot = `${prefix}:d:`;
    this.seq = `${prefix}:m:seq`;
    this.channel = `${prefix}:bus`;
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

  tagSet(tag: string): string {
    return `${this.root}t:${tag}`;
  }

  namespaceSet(namespace: string): string {
    return `${this.root}n:${namespace}`;
  }

  /** the seq of the last invalidation of a scope: 'all', 'k:<key>', 't:<tag>' or 'n:<ns>' */
  marker(scope: string): string {
    return `${this.root}m:${scope}`;
  }

  lock(key: string): string {
    return `${this.root}l:${key}`;
  }

  /** what clear() removes: everything but the invalidation ledger, which must outlive it */
  clearPatterns(): string[] {
    return [`${this.root}d:*`, `${this.root}t:*`, `${this.root}n:*`, `${this.root}l:*`];
  }
}
