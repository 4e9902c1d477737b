import { Injectable } from '@nestjs/common';

export interface WarmupJob {
  name: string;
  load: () => Promise<void> | void;
  /** cron expression (@nestjs/schedule syntax) on which the job runs again */
  cron?: string;
}

/** Every warmup job of the application: registered by hand or found on @WarmUp methods. */
@Injectable()
export class WarmupRegistry {
  private readonly jobs = new Map<string, WarmupJob>();

  register(job: WarmupJob): void {
    if (!job || typeof job.name !== 'string' || job.name.length === 0 || typeof job.load !== 'function') {
      throw new Error('a warmup job needs a non-empty name and a load function');
    }
    if (this.jobs.has(job.name)) throw new Error(`a warmup job named "${job.name}" is already registered`);
    this.jobs.set(job.name, job);
  }

  get(name: string): WarmupJob | undefined {
    return this.jobs.get(name);
  }

  all(): WarmupJob[] {
    return [...this.jobs.values()];
  }
}
