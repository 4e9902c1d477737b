import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { Flight } from './flights';
import type { Reader } from './reader';
import { UNAVAILABLE, type RedisTier } from './redis-tier';
import type { Envelope } from './serializer';

export interface LoadLockParts {
  redis: RedisTier;
  reader: Reader;
  lock: ResolvedCacheOptions['lock'];
  /** names this instance's lock tokens */
  instanceId: string;
}

/** What taking the lock came to: held (token), a value another instance loaded, or neither. */
export interface LockOutcome<T> {
  token?: string;
  value?: Envelope<T>;
  /** Redis did not answer: the caller should not try it again for this load */
  unreachable?: boolean;
}

/** The optional lock (`lock.enabled`) that lets one instance load a key while the others wait. */
export class LoadLock {
  constructor(private readonly parts: LoadLockParts) {}

  /**
   * Cross-instance stampede protection: one instance loads, the others wait for its value.
   * unreachable: Redis did not answer, so the caller should not try it again for this load.
   */
  async acquire<T>(flight: Flight): Promise<LockOutcome<T>> {
    const { parts } = this;
    const { enabled, waitMs } = parts.lock;
    if (!enabled || !parts.redis.usable) return {};
    const token = `${parts.instanceId}:${randomUUID()}`;
    const first = await this.tryLock<T>(flight, token);
    if (first !== false) return first;
    const deadline = Date.now() + waitMs;
    for (
      let pause = 5;
      Date.now() < deadline && !flight.invalidated;
      pause = Math.min(pause * 2, 50)
    ) {
      await delay(pause);
      // lock first, value second: the holder writes its value before it releases the lock, so
      // a lock seen free means the value (if any) is visible to the lookup that follows
      const held = await parts.redis.lockHeld(flight.key);
      if (held === UNAVAILABLE) return { unreachable: true };
      const { found } = await this.lookup<T>(flight.key);
      if (found && Date.now() < found.e) return { value: found };
      // the holder finished without a value we can use (its write was refused, or it failed)
      if (!held) {
        const next = await this.tryLock<T>(flight, token);
        if (next !== false) return next;
        // another waiter took the lock: keep waiting for its value
      }
    }
    return {};
  }

  /**
   * SET NX, then a second look at Redis: a holder may have written its value and released the
   * lock between this flight's lookup and its lock, and loading again would be a second load.
   * false: the lock is held by someone else.
   */
  private async tryLock<T>(flight: Flight, token: string): Promise<false | LockOutcome<T>> {
    const { parts } = this;
    const acquired = await parts.redis.acquireLock(flight.key, token, parts.lock.ttlMs);
    if (acquired === UNAVAILABLE) return { unreachable: true };
    if (!acquired) return false;
    const { found, reached } = await this.lookup<T>(flight.key);
    if (found && Date.now() < found.e) {
      await this.release(flight.key, token);
      return { value: found };
    }
    return reached ? { token } : { token, unreachable: true };
  }

  async release(key: string, token: string | undefined): Promise<void> {
    if (token) await this.parts.redis.releaseLock(key, token);
  }

  private async lookup<T>(key: string): Promise<{ found?: Envelope<T>; reached: boolean }> {
    const { found, reached } = await this.parts.reader.lookup<T>([key]);
    return { found: found[0], reached };
  }
}
