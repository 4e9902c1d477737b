import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { clearInterval, setInterval } from 'node:timers';
import type { Subscription } from 'rxjs';
import { CACHE_OPTIONS } from '../cache.constants';
import { CacheEngine } from '../engine/cache-engine';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { CircuitState } from '../redis/circuit-breaker';
import { RedisService } from '../redis/redis.service';
import { assess, type AlertName, type Observation, type Reading } from './alert-rules';
import type { AlertState } from './cache-events';
import { logEvents } from './event-log';

interface Sample {
  at: number;
  lookups: number;
  served: number;
  loads: number;
  loadErrors: number;
  evictions: number;
}

/** resolved alerts kept for GET /cache/alerts */
const RECENT = 50;

/**
 * The in-process monitor: every `monitoring.intervalMs` it compares counter deltas over
 * `monitoring.windowMs` and Redis' state with the thresholds. An alert is raised once (warn
 * log, event, gauge) and resolved once, after its condition stayed clear for `resolveAfterMs`.
 * It also wires the event stream: hit sampling, circuit changes, the optional debug log.
 */
@Injectable()
export class CacheMonitor implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('CacheMonitor');
  private readonly active = new Map<AlertName, AlertState>();
  private readonly recent: AlertState[] = [];
  private readonly clearSince = new Map<AlertName, number>();
  private samples: Sample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private logging: Subscription | undefined;
  private readonly onCircuit = (state: CircuitState) =>
    this.engine.stats.events.emit({ type: 'circuit', state, at: Date.now() });

  constructor(
    private readonly engine: CacheEngine,
    private readonly redis: RedisService,
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
  ) {}

  onModuleInit(): void {
    const m = this.options.monitoring;
    this.engine.stats.events.sampleHits(m.hitEventSampleRate);
    this.redis.events.on('circuit', this.onCircuit);
    if (m.logEvents) this.logging = logEvents(this.engine.stats.events.events$);
    if (!m.alerts) return;
    this.samples = [this.sample(Date.now())];
    this.timer = setInterval(() => {
      this.evaluate().catch((err: Error) => this.logger.warn(`evaluation failed: ${err.message}`));
    }, m.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.redis.events.off('circuit', this.onCircuit);
    this.logging?.unsubscribe();
  }

  /** One evaluation (the timer calls it; tests call it with their own clock). */
  async evaluate(now = Date.now()): Promise<Reading[]> {
    const current = this.sample(now);
    const since = now - this.options.monitoring.windowMs;
    // the oldest sample still inside the window is the baseline the deltas are taken from
    this.samples = [...this.samples.filter((s) => s.at >= since), current];
    const base = this.samples[0];
    const observation: Observation = {
      windowMs: now - base.at,
      lookups: current.lookups - base.lookups,
      served: current.served - base.served,
      loads: current.loads - base.loads,
      loadErrors: current.loadErrors - base.loadErrors,
      evictions: current.evictions - base.evictions,
      redis: await this.redisState(),
    };
    const readings = assess(observation, this.options.monitoring);
    for (const reading of readings) this.apply(reading, now);
    return readings;
  }

  /** Active alerts, and the last resolved ones, newest first. */
  alerts(): { active: AlertState[]; recent: AlertState[] } {
    return { active: [...this.active.values()], recent: [...this.recent] };
  }

  isActive(alert: AlertName): boolean {
    return this.active.has(alert);
  }

  private apply(reading: Reading, now: number): void {
    const { alert, firing, value, threshold, message } = reading;
    const current = this.active.get(alert);
    if (firing === true) {
      this.clearSince.delete(alert);
      if (current) {
        current.value = value;
        return;
      }
      const raised: AlertState = {
        alert,
        value,
        threshold,
        message,
        raisedAt: new Date(now).toISOString(),
      };
      this.active.set(alert, raised);
      this.logger.warn(`alert ${alert} raised: ${message}`);
      this.engine.stats.events.emit({ type: 'alert-raised', alert: { ...raised }, at: now });
      return;
    }
    if (firing === undefined || !current) return;
    const clearedAt = this.clearSince.get(alert) ?? now;
    this.clearSince.set(alert, clearedAt);
    if (now - clearedAt < this.options.monitoring.resolveAfterMs) return;
    this.active.delete(alert);
    this.clearSince.delete(alert);
    const resolved = { ...current, value, resolvedAt: new Date(now).toISOString() };
    this.recent.unshift(resolved);
    if (this.recent.length > RECENT) this.recent.pop();
    this.logger.log(`alert ${alert} resolved (value ${value}, threshold ${threshold})`);
    this.engine.stats.events.emit({ type: 'alert-resolved', alert: resolved, at: now });
  }

  private sample(at: number): Sample {
    const t = this.engine.stats.total;
    return {
      at,
      lookups: t.hits + t.staleHits + t.misses,
      served: t.hits + t.staleHits,
      loads: t.loads,
      loadErrors: t.loadErrors,
      evictions: this.engine.memory?.evictions ?? 0,
    };
  }

  private async redisState(): Promise<Observation['redis']> {
    if (this.redis.client === null) return undefined;
    const usable = this.redis.status === 'ready';
    const state = { usable, circuit: this.redis.circuit };
    if (!usable) return state;
    try {
      const info = await this.redis.info('memory');
      return { ...state, usedMemory: Number(info.used_memory), maxMemory: Number(info.maxmemory) };
    } catch {
      return state;
    }
  }
}
