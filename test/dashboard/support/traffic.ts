// Cache lookups as an application makes them, through the public API, in the background.
import { setTimeout as pace } from 'node:timers/promises';
import type { CacheService } from '@app/cache';

export class Traffic {
  private running: Promise<void> | undefined;
  private on = false;

  constructor(private readonly cache: CacheService) {}

  /** Mostly hits, a number of misses that varies by round, in two namespaces. */
  async round(round: number): Promise<void> {
    const fresh = [1, 6, 2, 0, 4][round % 5];
    for (let i = 0; i < 20; i++) {
      const id = i < fresh ? `new-${round}-${i}` : String((i * 7 + round) % 30);
      await this.cache.getOrSet(`products:${id}`, () => ({ id, name: `product ${id}` }), {
        namespace: 'products',
        tags: [`product:${id}`],
      });
      await this.cache.getOrSet(`users:${i % 5}`, () => ({ id: i % 5 }), { namespace: 'users' });
    }
  }

  /** Rounds one after the other, paced like a modest application, until stop(). */
  start(): void {
    this.on = true;
    this.running = (async () => {
      for (let round = 0; this.on; round++) {
        await this.round(round);
        await pace(100);
      }
    })();
  }

  async stop(): Promise<void> {
    this.on = false;
    await this.running;
  }
}
