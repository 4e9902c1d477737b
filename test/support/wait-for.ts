// Timers come from node:timers rather than the globals: jest.useFakeTimers() replaces the test
// file's global setTimeout/Date, and a harness that polled with those would hang in any test that
// fakes time (TTL tests will). Jest does not patch the node:timers module inside test files.
import { clearTimeout, setTimeout } from 'node:timers';

export interface WaitForOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Text for the timeout error; a function is called only on timeout, so it can read late state. */
  message?: string | (() => string);
}

const TIMED_OUT = Symbol('timed out');

/**
 * Polls `predicate` until it returns true, and throws `message` once `timeoutMs` has passed.
 * A predicate that throws ends the wait at once with that error (use it for "this can never
 * succeed now", e.g. the process under test has exited). A predicate call that never settles
 * still ends at the deadline.
 */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  { timeoutMs = 5000, intervalMs = 10, message = 'condition not met' }: WaitForOptions = {},
): Promise<void> {
  let deadline: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof TIMED_OUT>((resolve) => {
    deadline = setTimeout(resolve, timeoutMs, TIMED_OUT);
  });
  try {
    for (;;) {
      const result = await Promise.race([Promise.resolve().then(predicate), expired]);
      if (result === TIMED_OUT) break;
      if (result) return;
      const paused = await Promise.race([pause(intervalMs), expired]);
      if (paused === TIMED_OUT) break;
    }
  } finally {
    clearTimeout(deadline);
  }
  const text = typeof message === 'function' ? message() : message;
  throw new Error(`waitFor: ${text} (gave up after ${timeoutMs} ms)`);
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
