import { Logger } from '@nestjs/common';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { RedisService } from '../redis/redis.service';
import type { EngineParts } from './engine-parts';

/**
 * Redis and the bus coming and going: what the engine's parts do when Redis connects or comes
 * back, when the bus goes down or comes back, and at shutdown.
 */
export class EngineLifecycle {
  private readonly logger = new Logger('CacheEngine');

  constructor(
    private readonly parts: EngineParts,
    private readonly options: ResolvedCacheOptions,
    private readonly redis: RedisService,
  ) {}

  /**
   * Holds bootstrap until Redis is connected and the bus subscribed (bounded by
   * connectTimeoutMs), so that the cache works from the first call after init: before that,
   * writes would reach memory only and reads would bypass memory.
   */
  async start(): Promise<void> {
    const { bus, invalidator, flights, ledger, redisTier } = this.parts;
    bus?.start();
    invalidator.retryMs = this.options.resilience.breakerDurationMs;
    let connected = this.redis.status === 'ready';
    this.redis.events.on('ready', () => {
      // A reconnect may reach a Redis that restarted empty, its ledger back at 0: the guards that
      // loads in flight read before it mean nothing now, so their results are not stored.
      // Its ledger may have lost markers too: ours are put back (Ledger.sync).
      if (connected) flights.invalidate({ all: true });
      connected = true;
      // the ledger first: a replayed invalidation must get a seq above every marker we know
      ledger
        .sync()
        .then(() => invalidator.replayPending())
        .catch((err: Error) => this.logger.warn(`replay failed: ${err.message}`));
    });
    if (redisTier.configured) await this.settle();
  }

  stop(): void {
    this.parts.invalidator.stop();
    this.parts.reaper.stop();
  }

  /** The bus's subscription went down or came back. */
  busHealth(healthy: boolean): void {
    const { memory, invalidator, ledger, reaper, reader } = this.parts;
    if (healthy) {
      // messages may have been missed while the bus was down: start over from Redis
      memory?.clear();
      invalidator.epoch++;
      void ledger.busUp().then(() => reaper.poke());
    } else {
      ledger.busDown();
      this.logger.warn('invalidation bus is down: memory tier bypassed while Redis is reachable');
    }
    reader.trusted = healthy;
  }

  private async settle(): Promise<void> {
    const { connectTimeoutMs } = this.options.resilience;
    const deadline = Date.now() + connectTimeoutMs;
    const ready =
      (await this.redis.whenReady(connectTimeoutMs)) &&
      (await (this.parts.bus?.whenHealthy(deadline - Date.now()) ?? true));
    if (!ready) {
      this.logger.warn(
        `Redis is not usable after ${connectTimeoutMs} ms (resilience.connectTimeoutMs): ` +
          'serving from memory until it is',
      );
    }
  }
}
