import type { INestApplication } from '@nestjs/common';
import { Redis } from 'ioredis';
import { CacheService } from '@app/cache';
import { RedisServer } from '../test/support/redis-server';
import { waitFor } from '../test/support/wait-for';
import { app, redisHitRow } from './engine.bench';
import { LatencyProbe, type ProbeWindow } from './latency-probe';
import { median, type Row } from './measure';

const OTHER_KEYS = 1_000_000;
const ENTRIES = 100_000;
const BATCH = 1_000;
/** the bound on an invalidation and on what it costs other clients */
const TARGET_MS = 2;
/** how long the reaper gets to give the memory of 100k entries back */
const MEMORY_DEADLINE_MS = 60_000;
const IDLE_WINDOW_MS = 1_000;
const MB = 1024 * 1024;

interface Context {
  cache: CacheService;
  raw: Redis;
  probe: LatencyProbe;
  /** one raw GET round trip, ms: the floor of the invalidation rows */
  roundTrip: number;
  /** the probe's slowest GET over an idle second: the floor of the probe rows */
  idle: ProbeWindow;
}

/**
 * Invalidation at scale, on a Redis that also holds 1M keys of someone else: a tag and a
 * namespace covering 100k entries, and clear(), each timed as the caller sees it, while a probe
 * in another process measures how long Redis keeps other clients waiting; then how long Redis
 * takes to give the memory of the invalidated entries back; and a Redis-tier hit on this Redis.
 */
export async function layoutBench(): Promise<Row[]> {
  const server = await RedisServer.start({ args: ['--enable-debug-command', 'yes'] });
  let nest: INestApplication | undefined;
  let bare: INestApplication | undefined;
  let probe: LatencyProbe | undefined;
  const raw = new Redis(server.url);
  try {
    await raw.call('DEBUG', 'POPULATE', OTHER_KEYS, 'other');
    const rows = [
      await redisHitRow(server.url, 'redis-tier hit, 1M other keys: get vs ioredis GET+JSON.parse'),
    ];
    // the command timeout is out of the way, so a slow invalidation is timed, not cut short
    nest = await app({
      redis: server.url,
      keyPrefix: 'bench-layout',
      defaultTtl: 3600,
      resilience: { commandTimeoutMs: 120_000 },
    });
    probe = await LatencyProbe.start(server.url, 'other:1');
    const ctx: Context = {
      cache: nest.get(CacheService),
      raw,
      probe,
      roundTrip: await roundTrip(raw),
      idle: await idleWindow(probe),
    };
    rows.push(...(await tagAndMemory(ctx)));
    rows.push(...(await clearAndNamespace(ctx, '(memory on)')));
    // the same calls without a memory tier: what they cost in Redis alone (with memory on, the
    // caller also drops up to memory.maxEntries local entries, in process)
    bare = await app({
      redis: server.url,
      keyPrefix: 'bench-layout-bare',
      defaultTtl: 3600,
      memory: false,
      resilience: { commandTimeoutMs: 120_000 },
    });
    const bareCtx = { ...ctx, cache: bare.get(CacheService) };
    await fill(bareCtx.cache);
    rows.push(
      ...(await timed(
        bareCtx,
        'tag invalidation',
        () => bareCtx.cache.invalidateTags('big'),
        '(Redis only)',
      )),
    );
    rows.push(...(await clearAndNamespace(bareCtx, '(Redis only)')));
    return rows;
  } finally {
    probe?.stop();
    raw.disconnect();
    await nest?.close();
    await bare?.close();
    await server.shutdown();
  }
}

/** clear() and a namespace invalidation, each over a fresh 100k entries. */
async function clearAndNamespace(ctx: Context, setup: string): Promise<Row[]> {
  await fill(ctx.cache);
  const rows = await timed(ctx, 'clear()', () => ctx.cache.clear(), setup);
  await fill(ctx.cache);
  const ns = () => ctx.cache.invalidateNamespace('bulk');
  return [...rows, ...(await timed(ctx, 'namespace invalidation', ns, setup))];
}

/** The tag's invalidation, then the wait until Redis memory is back near its baseline. */
async function tagAndMemory(ctx: Context): Promise<Row[]> {
  const baseline = await usedMemory(ctx.raw);
  await fill(ctx.cache);
  const peak = await usedMemory(ctx.raw);
  const started = performance.now();
  const tag = () => ctx.cache.invalidateTags('big');
  const rows = await timed(ctx, 'tag invalidation', tag, '(memory on)');
  let used = peak;
  let backMs = Infinity;
  await ctx.probe.open();
  try {
    await waitFor(
      async () => {
        used = await usedMemory(ctx.raw);
        return used <= baseline * 1.1;
      },
      { timeoutMs: MEMORY_DEADLINE_MS, intervalMs: 100 },
    );
    backMs = performance.now() - started;
  } catch {
    // not back within the deadline: the row says so
  }
  const reaping = await ctx.probe.take();
  const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
  rows.push(
    {
      name: 'Redis memory back within 10 % of baseline after the tag',
      ours: backMs / 1000,
      floor: MEMORY_DEADLINE_MS / 1000,
      unit: 's',
      better: 'lower',
      absolute: MEMORY_DEADLINE_MS / 1000,
      note:
        `floor: the deadline; baseline ${mb(baseline)} (1M other keys), ${mb(peak)} with the ` +
        `100k entries, ${mb(used)} ${backMs === Infinity ? 'at the deadline' : 'then'}; ` +
        'timed from the invalidation call',
    },
    probeRow(ctx, 'reaping after the tag', reaping),
  );
  return rows;
}

/**
 * Times one invalidation of 100k entries under the probe: the caller's wall time and the
 * slowest GET another client saw meanwhile.
 */
async function timed(
  ctx: Context,
  what: string,
  invalidate: () => Promise<number>,
  setup: string,
): Promise<Row[]> {
  await ctx.probe.open();
  const started = performance.now();
  const count = await invalidate();
  const ms = performance.now() - started;
  const during = await ctx.probe.take();
  return [
    {
      name: `${what} over 100k entries, 1M other keys ${setup}`,
      ours: ms,
      floor: ctx.roundTrip,
      unit: 'ms',
      better: 'lower',
      absolute: TARGET_MS,
      note: `${count} invalidated as reported; floor: one raw GET round trip`,
    },
    probeRow(ctx, `${what} ${setup}`, during),
  ];
}

function probeRow(ctx: Context, during: string, window: ProbeWindow): Row {
  return {
    name: `other client's slowest GET during ${during}`,
    ours: window.maxMs,
    floor: ctx.idle.maxMs,
    unit: 'ms',
    better: 'lower',
    absolute: TARGET_MS,
    note:
      `${window.gets} GETs, p99 ${window.p99Ms.toFixed(2)} ms; floor: the slowest of ` +
      `${ctx.idle.gets} over an idle second (p99 ${ctx.idle.p99Ms.toFixed(2)} ms)`,
  };
}

/** 100k small entries, tagged 'big', in namespace 'bulk', in batches. */
async function fill(cache: CacheService): Promise<void> {
  for (let from = 0; from < ENTRIES; from += BATCH) {
    const entries = Array.from({ length: BATCH }, (_, i) => ({
      key: `e:${from + i}`,
      value: { id: from + i, name: `entry ${from + i}`, active: true },
      tags: ['big'],
      namespace: 'bulk',
    }));
    await cache.mset(entries);
  }
}

async function roundTrip(raw: Redis): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 200; i++) {
    const started = performance.now();
    await raw.get('other:2');
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function idleWindow(probe: LatencyProbe): Promise<ProbeWindow> {
  await probe.open();
  await new Promise((resolve) => setTimeout(resolve, IDLE_WINDOW_MS));
  return probe.take();
}

async function usedMemory(raw: Redis): Promise<number> {
  const info = await raw.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1]);
}
