import type { Envelope } from './serializer';

/** Where a load's answer came from. */
export type Source = 'memory' | 'redis' | 'stale' | 'loader' | 'grace';

export interface Outcome<T = unknown> {
  value: T;
  source: Source;
  /** the stored entry, when there is one */
  envelope?: Envelope<T>;
}

/** An explicit write on its way to Redis: an invalidation seen meanwhile keeps it out of memory. */
export interface PendingWrite {
  key: string;
  namespace?: string;
  tags?: string[];
  /** set when an invalidation touched this entry while it was being written */
  invalidated: boolean;
}

export interface Flight extends PendingWrite {
  /** set when an invalidation touched this load: its result must not be stored */
  invalidated: boolean;
  /**
   * the ledger seq read before the loader was called: an invalidation with a seq at or below it
   * came before the load, which then does not need detaching
   */
  seq?: number;
  /** RETRY: detached before its loader ran; its callers go back to single flight */
  promise: Promise<Outcome | typeof RETRY>;
}

/** A flight's answer when it was detached before its loader ran: join or start the current one. */
export const RETRY = Symbol('retry');

export interface InvalidationScope {
  keys?: string[];
  tags?: string[];
  namespaces?: string[];
  /** RegExps of globs */
  patterns?: RegExp[];
  all?: boolean;
}

/**
 * Loads in progress, one per key, so that concurrent callers share one loader call. An
 * invalidation detaches the loads it touches: their results are not stored, and callers that
 * arrive afterwards start a new load instead of joining one that began before it.
 */
export class Flights {
  private readonly map = new Map<string, Flight>();
  private readonly writes = new Set<PendingWrite>();

  get(key: string): Flight | undefined {
    return this.map.get(key);
  }

  add(flight: Flight): void {
    this.map.set(flight.key, flight);
  }

  /** removes the flight if it is still the current one for its key */
  done(flight: Flight): void {
    if (this.map.get(flight.key) === flight) this.map.delete(flight.key);
  }

  get size(): number {
    return this.map.size;
  }

  /** Watches a write until done: invalidations that touch it meanwhile set its `invalidated`. */
  trackWrite(write: PendingWrite): void {
    this.writes.add(write);
  }

  writeDone(write: PendingWrite): void {
    this.writes.delete(write);
  }

  /** seq: the invalidation's ledger seq, when known (bus messages): older loads only. */
  invalidate(scope: InvalidationScope, seq?: number): void {
    for (const write of this.writes) {
      if (scope.all || touches(write, scope)) write.invalidated = true;
    }
    if (this.map.size === 0) return;
    for (const flight of [...this.map.values()]) {
      if (seq !== undefined && flight.seq !== undefined && flight.seq >= seq) continue;
      if (scope.all || touches(flight, scope)) {
        flight.invalidated = true;
        this.map.delete(flight.key);
      }
    }
  }
}

function touches(flight: PendingWrite, scope: InvalidationScope): boolean {
  if (scope.keys?.includes(flight.key)) return true;
  if (flight.namespace !== undefined && scope.namespaces?.includes(flight.namespace)) return true;
  if (flight.tags && scope.tags?.some((t) => flight.tags!.includes(t))) return true;
  return scope.patterns?.some((p) => p.test(flight.key)) ?? false;
}
