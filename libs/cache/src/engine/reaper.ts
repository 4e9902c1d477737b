import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { AnyRedis } from '../redis/redis-client.factory';
import type { KeyLayout } from './key-layout';
import { ALL_FIELD, type Markers } from './markers';
import type { RedisKeyspace } from './redis-keyspace';
import { UNAVAILABLE, type RedisTier } from './redis-tier';

export interface ReaperOptions {
  enabled: boolean;
  /** data keys per SCAN step (COUNT) */
  batchSize: number;
  /** pause between steps, so that a pass never takes more than its share of Redis */
  pauseMs: number;
}

export interface ReaperPass {
  scanned: number;
  reaped: number;
  prunedMarkers: number;
  ms: number;
}

/** How long a pass may go without renewing its lease before another instance takes over. */
const LEASE_MS = 30_000;

/**
 * Gives memory back. A tag, namespace or clear() invalidation only sets a marker: the entries
 * it covers stay in Redis, unreadable, until their TTL. The reaper walks the data keys in SCAN
 * steps of `batchSize`, deletes those a marker invalidates (each delete conditional on the entry
 * not having been rewritten since), then prunes the markers nothing can need any more: those set
 * more than the guard window before the pass began (every entry they covered is gone, and no
 * load that began before them may still write). One instance reaps at a time (a lease).
 */
export class Reaper {
  lastPass?: ReaperPass;
  private timer: NodeJS.Timeout | null = null;
  private due = Infinity;
  /** a run came due while one was under way */
  private again = false;
  private running: Promise<void> | null = null;
  /** markers.version a complete pass covered */
  private covered = 0;
  private stopped = false;
  private readonly token = randomUUID();
  private readonly logger = new Logger('CacheReaper');

  constructor(
    private readonly options: ReaperOptions,
    private readonly markers: Markers,
    private readonly keyspace: RedisKeyspace,
    private readonly tier: RedisTier,
    private readonly layout: KeyLayout,
    private readonly guardMs: number,
    /** tells the other instances the markers a pass covered and the highest seq it pruned */
    private readonly announce: (covered: number, pruned: number) => void,
  ) {}

  /** Another instance's pass covered the markers up to `covered`: no need to run one here. */
  passedElsewhere(covered: number, pruned: number): void {
    if (pruned > 0) this.markers.prune(pruned);
    if (this.markers.seq <= covered) this.covered = this.markers.version;
  }

  /** Markers changed: a pass soon (one at a time; changes during a pass bring another). */
  poke(): void {
    if (this.options.enabled) this.schedule(this.options.pauseMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One pass now, unless another instance holds the lease (then undefined). */
  async pass(): Promise<ReaperPass | undefined> {
    const { tier, layout } = this;
    const leased = await tier.acquire(layout.reaperLease, this.token, LEASE_MS);
    if (leased !== true) return undefined;
    const version = this.markers.version;
    const coveredSeq = this.markers.seq;
    const started = performance.now();
    const report = { scanned: 0, reaped: 0, prunedMarkers: 0, ms: 0 };
    try {
      const since = await this.keyspace.time();
      if (since === UNAVAILABLE) return undefined;
      for (const master of this.keyspace.masters()) {
        if (!(await this.reapNode(master, report))) return undefined;
      }
      const pruned = await this.prune(since - this.guardMs);
      report.prunedMarkers = pruned.removed;
      this.covered = version;
      this.announce(coveredSeq, pruned.seq);
      report.ms = performance.now() - started;
      this.lastPass = report;
      return report;
    } finally {
      await tier.release(layout.reaperLease, this.token);
    }
  }

  /** A run in `ms`, unless one is due sooner; one that comes due during a run follows it. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    const due = Date.now() + ms;
    if (this.timer && this.due <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) {
        this.again = true;
        return;
      }
      this.running = this.run().finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.schedule(this.options.pauseMs);
        }
      });
    }, ms);
    this.timer.unref();
  }

  private async run(): Promise<void> {
    // nothing new since the last pass (here or elsewhere), and nothing to prune yet
    if (this.markers.version === this.covered && this.oldestMarker() >= Date.now() - this.guardMs) {
      return this.scheduleForPruning();
    }
    let report: ReaperPass | undefined;
    try {
      report = await this.pass();
    } catch (err) {
      this.logger.warn(`reaper pass failed: ${(err as Error).message}`);
    }
    if (this.stopped) return;
    // not ours to run (leased elsewhere, or Redis unusable): look again later
    if (!report) return this.schedule(LEASE_MS);
    if (this.markers.version !== this.covered) return this.schedule(this.options.pauseMs);
    this.scheduleForPruning();
  }

  /** Markers still needed: come back when they can be pruned. */
  private scheduleForPruning(): void {
    const oldest = this.oldestMarker();
    if (oldest !== Infinity) this.schedule(Math.max(oldest + this.guardMs - Date.now(), 0) + 1_000);
  }

  private oldestMarker(): number {
    let oldest = Infinity;
    for (const [field, { at }] of this.markers.entries()) {
      if (field !== ALL_FIELD) oldest = Math.min(oldest, at);
    }
    return oldest;
  }

  /** One master, step by step; false when Redis became unusable or the pass was stopped. */
  private async reapNode(master: AnyRedis, report: ReaperPass): Promise<boolean> {
    let cursor = '0';
    do {
      if (this.stopped) return false;
      const step = await this.keyspace.scanStep(master, cursor, this.options.batchSize);
      if (step === UNAVAILABLE) return false;
      report.scanned += step.entries.length;
      const doomed = step.entries.flatMap(({ key, redisKey, header }) =>
        header && this.markers.invalidates(key, header.stamp, header.namespace, header.tags)
          ? [{ redisKey, stamp: header.stamp }]
          : [],
      );
      if (doomed.length > 0) {
        const reaped = await this.keyspace.reap(doomed);
        if (reaped === UNAVAILABLE) return false;
        report.reaped += reaped;
      }
      // keep the lease while the pass goes on
      await this.tier.run((c) => c.pexpire(this.layout.reaperLease, LEASE_MS));
      cursor = step.next;
      if (cursor !== '0' && this.options.pauseMs > 0) await delay(this.options.pauseMs);
    } while (cursor !== '0');
    return true;
  }

  /** Markers set before `before` (Redis time): removed from Redis, here and, through the bus, everywhere. */
  private async prune(before: number): Promise<{ removed: number; seq: number }> {
    const fields: string[] = [];
    let highest = 0;
    for (const [field, { seq, at }] of this.markers.entries()) {
      if (field === ALL_FIELD || at >= before) continue;
      fields.push(field);
      highest = Math.max(highest, seq);
    }
    if (fields.length === 0) return { removed: 0, seq: 0 };
    const removed = await this.keyspace.pruneLedger(highest, fields);
    if (removed === UNAVAILABLE) return { removed: 0, seq: 0 };
    this.markers.prune(highest);
    return { removed, seq: highest };
  }
}
