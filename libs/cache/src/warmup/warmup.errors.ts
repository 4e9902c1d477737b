/** A warm request named jobs that are not registered (the admin API answers 400). */
export class UnknownWarmupJobError extends Error {
  static readonly code = 'E_CACHE_WARMUP_UNKNOWN';
  constructor(readonly names: string[]) {
    super(`unknown warmup job(s): ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    this.name = 'UnknownWarmupJobError';
  }
}

/** A warmup job's definition cannot work (bad cron, duplicate name): thrown at bootstrap. */
export class WarmupJobError extends Error {
  static readonly code = 'E_CACHE_WARMUP_JOB';
  constructor(job: string, problem: string) {
    super(`warmup job "${job}": ${problem}`);
    this.name = 'WarmupJobError';
  }
}
