import { Logger } from '@nestjs/common';
import type { RedisService } from '../redis/redis.service';

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
}

/**
 * Keeps the memory tiers of several instances coherent. Messages are published by Redis itself,
 * inside the script that changed the data, so a message is never sent for a change that did
 * not happen. While the subscription is down, messages are missed: the engine stops trusting
 * its memory tier until the subscription is back, and then empties it.
 */
export class InvalidationBus {
  private healthy = false;
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
        message = JSON.parse(text) as BusMessage;
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

  encode(message: Omit<BusMessage, 'o'>): string {
    return JSON.stringify({ o: this.instanceId, ...message });
  }

  private setHealthy(healthy: boolean): void {
    if (this.healthy === healthy) return;
    this.healthy = healthy;
    this.onHealth(healthy);
  }
}
