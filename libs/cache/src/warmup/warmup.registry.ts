import { WarmupJobError } from '../errors';
import { Injectable } from '@nestjs/common';
import { cronProblem } from './cron-expression';

export interface WarmupJob {
  name: string;
  /** fills the cache; may resolve to the number of keys it warmed, for the logs and the report */
  load: () => Promise<void | number> | void | number;
  /** cron expression (@nestjs/schedule syntax) on which the job runs again */
  cron?: string;
}

/** Every warmup job of the application: registered by hand or found on @WarmUp methods. */
@Injectable()
export class WarmupRegistry {
  private readonly jobs = new Map<string, WarmupJob>();
  private readonly listeners: ((job: WarmupJob) => void)[] = [];

  /** Adds a job; a bad definition throws here, naming the job, so it fails at bootstrap. */
  register(job: WarmupJob): void {
    if (
      !job ||
      typeof job.name !== 'string' ||
      job.name.length === 0 ||
      typeof job.load !== 'function'
    ) {
      throw new WarmupJobError(
        String(job?.name ?? ''),
        'a job needs a non-empty name and a load function',
      );
    }
    if (this.jobs.has(job.name))
      throw new WarmupJobError(job.name, 'a job of that name is already registered');
    if (job.cron !== undefined) {
      const problem = cronProblem(job.cron);
      if (problem) throw new WarmupJobError(job.name, problem);
    }
    this.jobs.set(job.name, job);
    for (const listener of this.listeners) listener(job);
  }

  get(name: string): WarmupJob | undefined {
    return this.jobs.get(name);
  }

  all(): WarmupJob[] {
    return [...this.jobs.values()];
  }

  /** Called for every job registered from now on (the scheduler mounts late jobs' crons). */
  onRegister(listener: (job: WarmupJob) => void): void {
    this.listeners.push(listener);
  }
}
