import type { InvalidationSpec } from './invalidator';
import { globToRegExp } from './glob';

export interface Marker {
  seq: number;
  /** when it was set, ms since epoch (Redis's clock): the reaper prunes old markers */
  at: number;
}

/** The hash field of the ledger's counter; every other field is a marker. */
export const SEQ_FIELD = 'seq';
export const ALL_FIELD = 'all';

/** The marker fields an invalidation sets (keys are not markers: they get tombstones). */
export function markerFields(spec: InvalidationSpec): string[] {
  if (spec.all) return [ALL_FIELD];
  return [
    ...(spec.tags ?? []).map((t) => `t:${t}`),
    ...(spec.namespaces ?? []).map((n) => `n:${n}`),
    ...(spec.patterns ?? []).map((p) => `p:${p}`),
  ];
}

/** `<seq>:<ms>` as the mark script writes it. */
export function parseMarker(value: string): Marker | undefined {
  const colon = value.indexOf(':');
  const seq = Number(colon < 0 ? value : value.slice(0, colon));
  const at = colon < 0 ? 0 : Number(value.slice(colon + 1));
  return Number.isSafeInteger(seq) && Number.isFinite(at) ? { seq, at } : undefined;
}

/**
 * The ledger's markers as this instance knows them: for everything ('all'), each tag ('t:<tag>'),
 * namespace ('n:<ns>') and glob ('p:<glob>'), the seq of its last invalidation. Kept fresh by
 * the bus (each invalidation's message carries its seq) and loaded from Redis whenever the bus
 * (re)connects. A stored entry whose stamp is below a marker of its scope is invalidated: Redis
 * is never asked to delete the entries a tag covers.
 */
export class Markers {
  private readonly byField = new Map<string, Marker>();
  private readonly patterns = new Map<string, { re: RegExp; seq: number }>();
  private all = 0;
  /** the highest marker seq: an entry stamped at or above it needs no lookup at all */
  private newest = 0;
  /** bumped by every change, so the reaper knows when it has something new to do */
  version = 0;

  /** Records a marker; false when a newer one was known already. */
  apply(field: string, seq: number, at = Date.now()): boolean {
    const known = this.byField.get(field);
    if (known && known.seq >= seq) return false;
    this.byField.set(field, { seq, at });
    if (field === ALL_FIELD) this.all = seq;
    else if (field.startsWith('p:')) {
      this.patterns.set(field, { re: globToRegExp(field.slice(2)), seq });
    }
    if (seq > this.newest) this.newest = seq;
    this.version++;
    return true;
  }

  applySpec(spec: InvalidationSpec, seq: number): void {
    for (const field of markerFields(spec)) this.apply(field, seq);
  }

  /** Fields of the Redis hash (`<seq>:<ms>` values); the counter field is skipped. */
  applyHash(entries: [string, string][]): void {
    for (const [field, value] of entries) {
      if (field === SEQ_FIELD) continue;
      const marker = parseMarker(value);
      if (marker) this.apply(field, marker.seq, marker.at);
    }
  }

  /** Is an entry with this stamp, namespace and tags invalidated? The common case is one compare. */
  invalidates(key: string, stamp: number, namespace?: string, tags?: string[]): boolean {
    if (stamp >= this.newest) return false;
    if (stamp < this.all) return true;
    if (namespace !== undefined && stamp < (this.byField.get(`n:${namespace}`)?.seq ?? 0)) {
      return true;
    }
    if (tags)
      for (const tag of tags) if (stamp < (this.byField.get(`t:${tag}`)?.seq ?? 0)) return true;
    for (const { re, seq } of this.patterns.values()) if (stamp < seq && re.test(key)) return true;
    return false;
  }

  /** The highest seq known: what the ledger had counted at least when it was seen. */
  get seq(): number {
    return this.newest;
  }

  entries(): IterableIterator<[string, Marker]> {
    return this.byField.entries();
  }

  /** Forgets markers at or below seq ('all' excepted): the reaper removed all they invalidated. */
  prune(seq: number): void {
    for (const [field, marker] of this.byField) {
      if (field === ALL_FIELD || marker.seq > seq) continue;
      this.byField.delete(field);
      this.patterns.delete(field);
    }
  }
}
