// One real app process for the multi-process tests: boots a Nest application context with
// CacheModule (options from CACHE_WORKER_OPTIONS, JSON) and answers commands sent over IPC by
// the test (test/ops/worker-pool.ts). Times are process.hrtime (CLOCK_MONOTONIC, shared by every
// process on the machine), in ns, as strings.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setTimeout as delay } from 'node:timers/promises';
import { CacheModule, CacheService, RedisService, type CacheModuleOptions } from '@app/cache';

export type WorkerCommand =
  | { cmd: 'set'; key: string; value: unknown; tags?: string[] }
  | { cmd: 'get'; key: string }
  /** getOrSet with a loader returning `value`: a loader's write sends no bus message */
  | { cmd: 'load'; key: string; value: unknown; tags?: string[] }
  /** reads a key and tells whether that read put it in the memory tier */
  | { cmd: 'warm'; key: string }
  /** polls get(key) until it no longer returns `old`; answers when that happened */
  | { cmd: 'watch'; key: string; old: unknown; timeoutMs: number }
  | { cmd: 'invalidate'; tags?: string[]; keys?: string[]; all?: boolean }
  /** `callers` concurrent getOrSet of one key; the loader INCRs `counter` (a real Redis key) */
  | {
      cmd: 'stampede';
      key: string;
      tags?: string[];
      callers: number;
      counter: string;
      loadMs: number;
    };

export type WorkerRequest = WorkerCommand & { id: number };
export interface WorkerReply {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

const now = () => process.hrtime.bigint().toString();

async function main(): Promise<void> {
  const options = JSON.parse(process.env.CACHE_WORKER_OPTIONS ?? '{}') as CacheModuleOptions;
  @Module({ imports: [CacheModule.forRoot({ admin: false, ...options })] })
  class WorkerModule {}
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: ['error'] });
  const cache = app.get(CacheService);
  const redis = app.get(RedisService);
  const client = redis.client;
  if (!client) throw new Error('the worker needs Redis');

  const run = async (command: WorkerCommand): Promise<unknown> => {
    switch (command.cmd) {
      case 'set':
        return cache.set(command.key, command.value, { tags: command.tags });
      case 'get':
        return cache.get(command.key);
      case 'load':
        return cache.getOrSet(command.key, () => command.value, { tags: command.tags });
      case 'warm': {
        const before = cache.stats().memory?.entries ?? 0;
        const value = await cache.get(command.key);
        return { value, cached: (cache.stats().memory?.entries ?? 0) === before + 1 };
      }
      case 'watch': {
        const deadline = Date.now() + command.timeoutMs;
        while (Date.now() < deadline) {
          const value = await cache.get(command.key);
          if (JSON.stringify(value) !== JSON.stringify(command.old)) return { seenAt: now() };
          await delay(1);
        }
        return { seenAt: null };
      }
      case 'invalidate': {
        const { tags, keys, all } = command;
        if (all) await cache.clear();
        else await cache.invalidate({ tags, keys });
        return { resolvedAt: now() };
      }
      case 'stampede': {
        const loader = async () => {
          await client.incr(command.counter);
          await delay(command.loadMs);
          return { loadedBy: process.pid };
        };
        const values = await Promise.all(
          Array.from({ length: command.callers }, () =>
            cache.getOrSet(command.key, loader, { tags: command.tags }),
          ),
        );
        return new Set(values.map((v) => v.loadedBy)).size;
      }
    }
  };

  process.on('message', (request: WorkerRequest) => {
    run(request).then(
      (result) => process.send?.({ id: request.id, ok: true, result } satisfies WorkerReply),
      (err: Error) => process.send?.({ id: request.id, ok: false, error: String(err) }),
    );
  });
  process.on('disconnect', () => {
    void app.close().finally(() => process.exit(0));
  });
  while (redis.status !== 'ready') await delay(10);
  process.send?.({ id: 0, ok: true, result: 'ready' } satisfies WorkerReply);
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
