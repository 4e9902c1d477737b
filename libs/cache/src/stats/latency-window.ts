/** The last N latency samples in a ring, enough for honest percentiles at a fixed cost. */
export class LatencyWindow {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(size = 1024) {
    this.samples = new Float64Array(size);
  }

  add(ms: number): void {
    this.samples[this.next] = ms;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled++;
  }

  percentiles(): { p50: number; p95: number; p99: number; max: number; samples: number } {
    if (this.filled === 0) return { p50: 0, p95: 0, p99: 0, max: 0, samples: 0 };
    const sorted = Array.from(this.samples.subarray(0, this.filled)).sort((a, b) => a - b);
    const at = (q: number) =>
      round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    return {
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      max: round(sorted[sorted.length - 1]),
      samples: this.filled,
    };
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
