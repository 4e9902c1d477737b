import type { EventEmitter } from 'node:events';

/**
 * Resolves true as soon as `done()` holds (checked now and on every `event`), or false once
 * `timeoutMs` has passed. Used to hold bootstrap until Redis is usable, within a bound.
 */
export function until(
  emitter: EventEmitter,
  event: string,
  done: () => boolean,
  timeoutMs: number,
): Promise<boolean> {
  if (done()) return Promise.resolve(true);
  if (timeoutMs <= 0) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (result: boolean) => {
      clearTimeout(timer);
      emitter.off(event, check);
      resolve(result);
    };
    const check = () => done() && finish(true);
    const timer = setTimeout(() => finish(done()), timeoutMs);
    timer.unref();
    emitter.on(event, check);
  });
}
