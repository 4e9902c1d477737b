import { Markers, SEQ_FIELD, parseMarker } from './markers';
import type { RedisKeyspace } from './redis-keyspace';
import { UNAVAILABLE } from './redis-tier';

/**
 * This instance's copy of the ledger, and how it stays true. While the bus is subscribed, each
 * invalidation's markers arrive with its message, and reads trust the copy (no extra round trip).
 * When the bus (re)connects, the markers are loaded from Redis; until then, or while the bus is
 * down, each Redis read loads them alongside (`sync`), so that no read judges an entry on a
 * copy that may have missed an invalidation.
 */
export class Ledger {
  readonly markers = new Markers();
  private live = false;
  /** bumped when the bus goes down: a load begun before must not make the copy live */
  private generation = 0;

  constructor(private readonly keyspace: RedisKeyspace) {}

  /** Can reads trust the copy without asking Redis? */
  get current(): boolean {
    return this.live;
  }

  busDown(): void {
    this.live = false;
    this.generation++;
  }

  /** The bus is subscribed: what was missed before is loaded, then the copy is trusted. */
  async busUp(): Promise<boolean> {
    const generation = this.generation;
    const synced = await this.sync();
    if (synced && generation === this.generation) this.live = true;
    return synced;
  }

  /**
   * Loads the markers from Redis. Where Redis has fewer than this copy (it restarted empty, or
   * failed over to a replica that lagged), puts ours back: an invalidation is never forgotten,
   * and the counter never goes back below a marker (new entries would be stamped under it).
   * false: Redis could not be read.
   */
  async sync(): Promise<boolean> {
    const fields = await this.keyspace.ledger();
    if (fields === UNAVAILABLE) return false;
    const remote = new Map(fields);
    this.markers.applyHash(fields);
    const missing: [string, string][] = [];
    for (const [field, { seq, at }] of this.markers.entries()) {
      const theirs = remote.get(field);
      if (theirs === undefined || (parseMarker(theirs)?.seq ?? -1) < seq) {
        missing.push([field, `${seq}:${at}`]);
      }
    }
    const counter = Number(remote.get(SEQ_FIELD) ?? 0);
    if (counter < this.markers.seq) missing.push([SEQ_FIELD, String(this.markers.seq)]);
    if (missing.length > 0 && (await this.keyspace.mergeLedger(missing)) === UNAVAILABLE) {
      return false;
    }
    return true;
  }
}
