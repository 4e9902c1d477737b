/**
 * Sizes of every workload. `full` is the (a few minutes on 2 cores); BENCH_SCALE=small
 * runs each workload in seconds, for the smoke test that keeps the benchmark from rotting.
 */
export interface Scale {
  name: 'full' | 'small';
  /** alternating runs of each micro workload (one run = every library once, order rotated) */
  rounds: number;
  /** ms tinybench spends on one library in one run, and its least number of iterations */
  microMs: number;
  microIterations: number;
  zipf: { keys: number; memory: number; ops: number; concurrency: number; runs: number };
  stampede: { callers: number; loaderMs: number; runs: number };
  tags: { entries: number; others: number; runs: number };
  http: { seconds: number; passes: number; connections: number };
  coherence: { samples: number };
}

const FULL: Scale = {
  name: 'full',
  rounds: 5,
  microMs: 300,
  microIterations: 16,
  zipf: { keys: 10_000, memory: 1_000, ops: 20_000, concurrency: 32, runs: 3 },
  stampede: { callers: 1_000, loaderMs: 20, runs: 3 },
  tags: { entries: 10_000, others: 1_000_000, runs: 3 },
  http: { seconds: 2, passes: 5, connections: 10 },
  coherence: { samples: 50 },
};

const SMALL: Scale = {
  name: 'small',
  rounds: 2,
  microMs: 20,
  microIterations: 2,
  zipf: { keys: 200, memory: 20, ops: 400, concurrency: 8, runs: 2 },
  stampede: { callers: 50, loaderMs: 20, runs: 2 },
  tags: { entries: 100, others: 1_000, runs: 2 },
  http: { seconds: 1, passes: 1, connections: 4 },
  coherence: { samples: 3 },
};

export function scaleFromEnv(value = process.env.BENCH_SCALE): Scale {
  if (value === undefined || value === '' || value === 'full') return FULL;
  if (value === 'small') return SMALL;
  throw new Error(`BENCH_SCALE must be "full" or "small", got "${value}"`);
}
