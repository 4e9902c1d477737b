import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { CacheEngine } from '../engine/cache-engine';
import { KeyInspector } from './key-inspector.service';

export interface SelfTestStep {
  step: 'set' | 'get' | 'exists' | 'delete';
  ok: boolean;
  ms: number;
  result?: unknown;
  error?: string;
}

/** the reserved key space of the live test; the entry lives 30 s at most if a step fails */
export const SELF_TEST_PREFIX = '__admin_test__';
const SELF_TEST_TTL_SECONDS = 30;

/** GET test: a live set/get/exists/delete round trip through the engine, timed step by step. */
@Injectable()
export class AdminSelfTest {
  constructor(
    private readonly engine: CacheEngine,
    private readonly inspector: KeyInspector,
  ) {}

  async run(): Promise<{
    ok: boolean;
    key: string;
    backend: 'redis' | 'memory';
    steps: SelfTestStep[];
  }> {
    const key = `${SELF_TEST_PREFIX}:${randomUUID()}`;
    const value = { probe: randomUUID(), at: new Date().toISOString() };
    const steps: SelfTestStep[] = [];
    const step = async (
      name: SelfTestStep['step'],
      fn: () => Promise<unknown>,
      check: (r: unknown) => boolean,
    ) => {
      const started = performance.now();
      try {
        const result = await fn();
        steps.push({ step: name, ok: check(result), ms: elapsed(started), result });
      } catch (err) {
        steps.push({ step: name, ok: false, ms: elapsed(started), error: (err as Error).message });
      }
    };
    await step(
      'set',
      () => this.engine.set(key, value, { ttl: SELF_TEST_TTL_SECONDS }).then(() => true),
      () => true,
    );
    // reads go around the engine's counters: a probe must not move the hit rate it is used to watch
    await step(
      'get',
      async () => {
        const report = await this.inspector.inspect(key);
        return {
          found: report.exists,
          tier: report.tier,
          matches: (report.value as typeof value)?.probe === value.probe,
        };
      },
      (r) => (r as { matches: boolean }).matches,
    );
    await step(
      'exists',
      () => this.inspector.exists(key),
      (r) => {
        const where = r as { memory: boolean; redis: boolean | string | null };
        return where.redis === null ? where.memory : where.redis === true;
      },
    );
    await step(
      'delete',
      () => this.engine.delete(key),
      (r) => typeof r === 'number' && r >= 1,
    );
    const backend = this.engine.redisTier.usable ? 'redis' : 'memory';
    return { ok: steps.every((s) => s.ok), key, backend, steps };
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 1000) / 1000;
}
