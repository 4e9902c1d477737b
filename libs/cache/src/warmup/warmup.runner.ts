import { UnknownWarmupJobError } from '../errors';
import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { Subject } from 'rxjs';
import { WarmupRegistry, type WarmupJob } from './warmup.registry';

export interface WarmupJobResult {
  name: string;
  ok: boolean;
  durationMs: number;
  /** keys warmed, when the job reports it (@WarmUp jobs report their argument lists) */
  keys?: number;
  /** true when this run joined a run of the job that was already in progress */
  joined?: boolean;
  error?: string;
}

export interface WarmupResult {
  warmed: number;
  failed: number;
  durationMs: number;
  jobs: WarmupJobResult[];
}

/**
 * Runs warmup jobs, one after the other so that warming does not stampede the origin. A job
 * that throws is reported and the others still run. A job never runs twice at once: a request
 * for a job that is already running joins that run and reports its outcome (with `joined`),
 * so a cron tick, the startup run and `POST /cache/warm` can overlap safely.
 */
@Injectable()
export class WarmupRunner implements BeforeApplicationShutdown {
  private readonly logger = new Logger('CacheWarmup');
  private readonly running = new Map<string, Promise<WarmupJobResult>>();
  /** every job run that finished (joins excluded), for the warmup metrics */
  readonly finished = new Subject<WarmupJobResult>();
  private stopped = false;

  constructor(private readonly registry: WarmupRegistry) {}

  /** Throws UnknownWarmupJobError (before running anything) when a name is not registered. */
  resolve(names?: string[]): WarmupJob[] {
    if (names === undefined) return this.registry.all();
    const unknown = names.filter((name) => this.registry.get(name) === undefined);
    if (unknown.length > 0) throw new UnknownWarmupJobError(unknown);
    return [...new Set(names)].map((name) => this.registry.get(name) as WarmupJob);
  }

  /** All jobs, or the named ones. */
  async run(names?: string[]): Promise<WarmupResult> {
    const jobs = this.resolve(names);
    const started = performance.now();
    const results: WarmupJobResult[] = [];
    for (const [index, job] of jobs.entries()) {
      if (this.stopped) {
        results.push({
          name: job.name,
          ok: false,
          durationMs: 0,
          error: 'not run: the application is shutting down',
        });
        continue;
      }
      const result = await this.runJob(job);
      results.push(result);
      this.log(result, index + 1, jobs.length);
    }
    const failed = results.filter((r) => !r.ok).length;
    const report = {
      warmed: results.length - failed,
      failed,
      durationMs: ms(started),
      jobs: results,
    };
    if (jobs.length > 1) {
      this.logger.log(
        `warmup done: ${report.warmed} warmed, ${failed} failed in ${report.durationMs} ms`,
      );
    }
    return report;
  }

  /** Names of the jobs running right now. */
  get inProgress(): string[] {
    return [...this.running.keys()];
  }

  beforeApplicationShutdown(): void {
    // jobs already running finish; no new one starts against connections about to close
    this.stopped = true;
  }

  private runJob(job: WarmupJob): Promise<WarmupJobResult> {
    const current = this.running.get(job.name);
    if (current) return current.then((result) => ({ ...result, joined: true }));
    const run = this.execute(job).finally(() => this.running.delete(job.name));
    void run.then((result) => this.finished.next(result));
    this.running.set(job.name, run);
    return run;
  }

  private async execute(job: WarmupJob): Promise<WarmupJobResult> {
    const started = performance.now();
    try {
      const keys = await job.load();
      const result: WarmupJobResult = { name: job.name, ok: true, durationMs: ms(started) };
      if (typeof keys === 'number') result.keys = keys;
      return result;
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { name: job.name, ok: false, durationMs: ms(started), error };
    }
  }

  private log(result: WarmupJobResult, n: number, m: number): void {
    const what = `warmup job ${n} of ${m} "${result.name}"`;
    const keys = result.keys !== undefined ? `${result.keys} keys in ` : '';
    const joined = result.joined ? ' (joined a run in progress)' : '';
    if (result.ok) this.logger.log(`${what}: ${keys}${result.durationMs} ms${joined}`);
    else this.logger.warn(`${what} failed after ${result.durationMs} ms${joined}: ${result.error}`);
  }
}

function ms(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
