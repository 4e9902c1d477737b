import { Subject, type Observable } from 'rxjs';
import type { InvalidationResult, InvalidationSpec } from '../engine/invalidator';
import type { CircuitState } from '../redis/circuit-breaker';

/** An alert as the monitor reports it: raised once, resolved once. */
export interface AlertState {
  alert: string;
  /** what was measured when it was raised (or last evaluated while active) */
  value: number;
  threshold: number;
  message: string;
  raisedAt: string;
  resolvedAt?: string;
}

interface Base {
  /** epoch ms */
  at: number;
}

export type CacheEvent = Base &
  (
    | { type: 'hit'; key: string; namespace?: string }
    | { type: 'stale'; key: string; namespace?: string }
    | { type: 'miss'; key: string; namespace?: string; ms: number }
    | { type: 'load-error'; key: string; namespace?: string; error: string }
    | { type: 'uncacheable'; key: string; namespace?: string; reason: string }
    | { type: 'invalidation'; spec: InvalidationSpec; result: InvalidationResult; count: number }
    | { type: 'circuit'; state: CircuitState }
    | { type: 'alert-raised'; alert: AlertState }
    | { type: 'alert-resolved'; alert: AlertState }
  );

export type CacheEventType = CacheEvent['type'];

/**
 * The cache's event stream. Nothing is built unless someone subscribed; hits, the hot path,
 * are emitted only when `monitoring.hitEventSampleRate` asks for them, so with the default (0)
 * a hit pays one boolean check.
 */
export class CacheEvents {
  /** true when hit events are wanted at all: the only thing the hit path reads */
  hitsOn = false;
  private readonly subject = new Subject<CacheEvent>();
  readonly events$: Observable<CacheEvent> = this.subject.asObservable();
  private hitEvery = 1;
  private hitTick = 0;

  /** rate 0: no hit events; 1: every hit; 0.01: one hit in 100 (counted, not random). */
  sampleHits(rate: number): void {
    this.hitsOn = rate > 0;
    this.hitEvery = rate > 0 ? Math.max(1, Math.round(1 / rate)) : 1;
  }

  /** A hit, when hitsOn; only every Nth one becomes an event. */
  hit(key: string, namespace: string | undefined): void {
    if (++this.hitTick < this.hitEvery) return;
    this.hitTick = 0;
    this.emit({ type: 'hit', key, namespace, at: Date.now() });
  }

  get observed(): boolean {
    return this.subject.observed;
  }

  emit(event: CacheEvent): void {
    if (this.subject.observed) this.subject.next(event);
  }

  complete(): void {
    this.subject.complete();
  }
}
