import type { InvalidationSpec } from './invalidator';

/** Invalidations that could not reach Redis, replayed when it is back; past this, clear instead. */
const MAX_PENDING = 1_000;

/**
 * What Redis missed while it was unreachable. Invalidations commute and are idempotent, so they
 * are kept as one union: a stream of writes to one key during an outage is one pending key, not
 * one entry per write. Past MAX_PENDING names, the union becomes a clear.
 */
export class PendingInvalidations {
  private keys = new Set<string>();
  private tags = new Set<string>();
  private namespaces = new Set<string>();
  private patterns = new Set<string>();
  private all = false;
  /** the union grew past its bound and became a clear */
  overflowed = false;

  get count(): number {
    const names = this.keys.size + this.tags.size + this.namespaces.size + this.patterns.size;
    return names + (this.all ? 1 : 0);
  }

  add(spec: InvalidationSpec): void {
    if (this.all) return;
    if (spec.all) return this.clear();
    for (const [into, names] of [
      [this.keys, spec.keys],
      [this.tags, spec.tags],
      [this.namespaces, spec.namespaces],
      [this.patterns, spec.patterns],
    ] as const) {
      for (const name of names ?? []) into.add(name);
    }
    if (this.count > MAX_PENDING) {
      this.overflowed = true;
      this.clear();
    }
  }

  /** Everything pending, as one spec to replay; the union starts over empty. */
  take(): InvalidationSpec {
    const spec: InvalidationSpec = this.all
      ? { all: true }
      : {
          keys: [...this.keys],
          tags: [...this.tags],
          namespaces: [...this.namespaces],
          patterns: [...this.patterns],
        };
    this.reset();
    return spec;
  }

  private clear(): void {
    this.reset();
    this.all = true;
  }

  private reset(): void {
    this.keys = new Set();
    this.tags = new Set();
    this.namespaces = new Set();
    this.patterns = new Set();
    this.all = false;
  }
}
