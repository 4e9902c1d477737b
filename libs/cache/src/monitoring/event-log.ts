import { Logger } from '@nestjs/common';
import type { Observable, Subscription } from 'rxjs';
import type { CacheEvent } from './cache-events';

/** `monitoring.logEvents`: one debug line per event (seed 003's HIT / MISS / INVALIDATE lines). */
export function logEvents(events$: Observable<CacheEvent>): Subscription {
  const logger = new Logger('CacheEvents');
  return events$.subscribe((event) => logger.debug(describe(event)));
}

function describe(event: CacheEvent): string {
  switch (event.type) {
    case 'hit':
      return `HIT ${event.key}`;
    case 'stale':
      return `STALE ${event.key}`;
    case 'miss':
      return `MISS ${event.key} ${event.ms.toFixed(1)} ms`;
    case 'load-error':
      return `LOAD-ERROR ${event.key}: ${event.error}`;
    case 'uncacheable':
      return `UNCACHEABLE ${event.key}: ${event.reason}`;
    case 'invalidation':
      return `INVALIDATE ${JSON.stringify(event.spec)}: ${event.count} entries`;
    case 'circuit':
      return `CIRCUIT ${event.state}`;
    case 'alert-raised':
      return `ALERT ${event.alert.alert} raised`;
    case 'alert-resolved':
      return `ALERT ${event.alert.alert} resolved`;
  }
}
