import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { RedisService } from '../redis/redis.service';
import { until } from '../redis/until';

/** What one instance tells the others through Redis pub/sub. */
export interface BusMessage {
  /** origin instance: an instance ignores its own messages */
  o: string;
  k?: string[];
  t?: string[];
  n?: string[];
  /** globs */
  p?: string[];
  /** clear */
  c?: 1;
  /** a reaper pass is done: it covered the markers up to `s`, and pruned those up to `x` */
  r?: 1;
  x?: number;
  /** the ledger seq of the change (set by the publishing script, not by the sender) */
  s?: number;
}

/**
 * Keeps the memory tiers and the ledger copies (engine/ledger.ts) of several instances coherent. Messages are published by Redis itself,
 * inside the script that changed the data, so a message is never sent for a change that did
 * not happen. While the subscription is down, messages are missed: the engine stops trusting
 * its memory tier until the subscription is back, and then empties it.
 */
export class InvalidationBus {
  private healthy = false;
  private readonly health = new EventEmitter();
  private readonly logger = new Logger('CacheBus');

  constructor(
    private readonly redis: RedisService,
    private readonly channel: string,
    readonly instanceId: string,
    private readonly onMessage: (message: BusMessage) => void,
    private readonly onHealth: (healthy: boolean) => void,
  ) {}

  start(): void {
    const subscriber = this.redis.subscriber();
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      let message: BusMessage;
      try {
        // `<seq> <json>`: the seq is prepended by the Redis script that made the change
        const space = text.indexOf(' ');
        message = JSON.parse(text.slice(space + 1)) as BusMessage;
        message.s = Number(text.slice(0, space));
      } catch {
        this.logger.warn(`ignored a malformed bus message on ${channel}`);
        return;
      }
      if (message.o !== this.instanceId) this.onMessage(message);
    });
    this.redis.events.on('subscriber-ready', () => {
      subscriber.subscribe(this.channel).then(
        () => this.setHealthy(true),
        (err: Error) => this.logger.warn(`cannot subscribe to ${this.channel}: ${err.message}`),
      );
    });
    this.redis.events.on('subscriber-down', () => this.setHealthy(false));
  }

  get isHealthy(): boolean {
    return this.healthy;
  }

  /** true once subscribed, false if not within timeoutMs. */
  whenHealthy(timeoutMs: number): Promise<boolean> {
    return until(this.health, 'change', () => this.healthy, timeoutMs);
  }

  encode(message: Omit<BusMessage, 'o'>): string {
    return JSON.stringify({ o: this.instanceId, ...message });
  }

  private setHealthy(healthy: boolean): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.onHealth(healthy);
    this.health.emit('change');
  }
}
