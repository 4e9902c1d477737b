import { CacheOptionsError } from '../errors';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { clearTimeout, setTimeout } from 'node:timers';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { cronProblem } from './cron-expression';
import { WarmupRegistry, type WarmupJob } from './warmup.registry';
import { WarmupRunner } from './warmup.runner';

/** Cron job names in the SchedulerRegistry: `cache-warmup` (every job), `cache-warmup:<job>`. */
export const WARMUP_CRON_PREFIX = 'cache-warmup';

/**
 * When warmup runs: once at application bootstrap (without holding readiness beyond
 * `warmup.startupTimeoutMs`), and on cron expressions.
 *
 * Crons go into @nestjs/schedule's `SchedulerRegistry`. CacheModule does not import
 * `ScheduleModule.forRoot()`: Nest makes a second, separate ScheduleModule for each forRoot()
 * call, so an application that imports it too would run each of its own `@Cron` methods twice.
 * When the application has a ScheduleModule, its registry is used (the jobs show up there and
 * it stops them on shutdown); otherwise a private registry holds them.
 */
@Injectable()
export class WarmupScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CacheWarmup');
  private readonly crons: SchedulerRegistry;
  private readonly mounted = new Map<string, CronJob>();
  private startupTimer: NodeJS.Timeout | undefined;
  private bootstrapped = false;

  constructor(
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    private readonly registry: WarmupRegistry,
    private readonly runner: WarmupRunner,
    @Optional() appSchedulerRegistry?: SchedulerRegistry,
  ) {
    const problem =
      options.warmup.cron === undefined ? undefined : cronProblem(options.warmup.cron);
    if (problem) throw new CacheOptionsError('warmup.cron', problem, options.warmup.cron);
    this.crons = appSchedulerRegistry ?? new SchedulerRegistry();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.bootstrapped = true;
    if (!this.options.enabled) {
      this.logger.log('cache disabled (enabled: false): no warmup at startup nor on cron');
      return;
    }
    // the engine held module init until Redis was settled (connected, or given up on), so a
    // warmup from here on reaches Redis whenever it can
    this.mountCrons();
    if (this.options.warmup.onStartup && this.registry.all().length > 0) {
      await this.warmAtStartup();
    }
  }

  private mountCrons(): void {
    for (const job of this.registry.all()) this.mountJob(job);
    this.registry.onRegister((job) => this.bootstrapped && this.mountJob(job));
    if (this.options.warmup.cron !== undefined) {
      this.mount(WARMUP_CRON_PREFIX, this.options.warmup.cron, () => this.runner.run());
    }
  }

  beforeApplicationShutdown(): void {
    this.bootstrapped = false;
    clearTimeout(this.startupTimer);
    for (const [name, job] of this.mounted) {
      job.stop();
      // the application's ScheduleModule may have removed it already, on its own shutdown
      if (this.crons.doesExist('cron', name) && this.crons.getCronJob(name) === job) {
        this.crons.deleteCronJob(name);
      }
    }
    this.mounted.clear();
  }

  /** Starts warming every job; waits for it at most `startupTimeoutMs`, then lets it finish in the background. */
  private async warmAtStartup(): Promise<void> {
    const { startupTimeoutMs } = this.options.warmup;
    const run = this.runner.run().catch((err: Error) => {
      this.logger.error(`startup warmup failed: ${err.message}`);
      return undefined;
    });
    const timedOut = new Promise<'timeout'>((resolve) => {
      this.startupTimer = setTimeout(resolve, startupTimeoutMs, 'timeout');
      this.startupTimer.unref();
    });
    const first = await Promise.race([run, timedOut]);
    clearTimeout(this.startupTimer);
    if (first === 'timeout') {
      this.logger.log(
        `startup warmup still running after ${startupTimeoutMs} ms: it continues in the background`,
      );
    }
  }

  private mountJob(job: WarmupJob): void {
    if (job.cron !== undefined)
      this.mount(`${WARMUP_CRON_PREFIX}:${job.name}`, job.cron, () => this.runner.run([job.name]));
  }

  private mount(name: string, cron: string, tick: () => Promise<unknown>): void {
    const job = CronJob.from({
      cronTime: cron,
      // the runner reports failures itself; a rejection here would only be a bug, logged
      onTick: () => void tick().catch((err: Error) => this.logger.error(`${name}: ${err.message}`)),
      start: false,
    });
    this.crons.addCronJob(name, job);
    this.mounted.set(name, job);
    job.start();
  }
}
