export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * Stops calling Redis after repeated failures, so that callers fall back at once instead of
 * each waiting for a timeout; after a pause one probe is let through, and success closes it.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  private _state: CircuitState = 'closed';
  /** how many times the circuit opened, for stats */
  opened = 0;

  constructor(
    private readonly threshold: number,
    private readonly durationMs: number,
    private readonly onChange: (state: CircuitState) => void = () => undefined,
  ) {}

  get state(): CircuitState {
    if (this._state === 'open' && Date.now() - this.openedAt >= this.durationMs) return 'half-open';
    return this._state;
  }

  /** May a call go to Redis now? In half-open, only one probe at a time. */
  allow(): boolean {
    if (this._state === 'closed') return true;
    if (this.state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.probing = false;
    if (this._state !== 'closed') this.transition('closed');
  }

  failure(): void {
    this.probing = false;
    this.failures++;
    if (this._state === 'open' || this.failures >= this.threshold) {
      this.openedAt = Date.now();
      if (this._state !== 'open') {
        this.opened++;
        this.transition('open');
      }
    }
  }

  /** The connection is gone: open now, rather than after `threshold` calls have failed on it. */
  trip(): void {
    this.probing = false;
    this.openedAt = Date.now();
    if (this._state !== 'open') {
      this.opened++;
      this.transition('open');
    }
  }

  /** The connection came back: trust it again without waiting for the pause to end. */
  reset(): void {
    this.failures = 0;
    this.probing = false;
    if (this._state !== 'closed') this.transition('closed');
  }

  private transition(state: CircuitState): void {
    this._state = state;
    this.onChange(state);
  }
}
