import { setTimeout } from 'node:timers/promises';
import { median } from '../measure';
import { figure, type PeerRow } from './figures';
import { closeAll, countingLoader, row } from './runs';
import type { Scale } from './scale';
import type { Subject, SubjectFactory } from './subjects/subject';

const INSTANCES = 3;

/**
 * Many callers of one cold key with a slow loader (20 ms): how many times the loader runs, in one
 * instance, in three sharing Redis (ours with its lock on; the peers have no cross-instance lock
 * to turn on), and in three right after an invalidation on one of them has reached the others
 * (how fast it gets there is the coherence workload); there, a caller served the old value counts
 * too. Each run uses a fresh key.
 */
export async function stampedeWorkload(
  factories: SubjectFactory[],
  url: string,
  scale: Scale,
): Promise<PeerRow[]> {
  const rows: PeerRow[] = [];
  for (const [i, make] of factories.entries()) {
    const group: Subject[] = [];
    try {
      for (let n = 0; n < INSTANCES; n++) {
        group.push(await make({ memory: 10_000, redis: url, prefix: `stampede${i}`, lock: true }));
      }
      rows.push(...(await stampedes(group, scale)));
    } finally {
      await closeAll(group);
    }
  }
  return rows;
}

async function stampedes(group: Subject[], scale: Scale): Promise<PeerRow[]> {
  const { runs, callers, loaderMs } = scale.stampede;
  const library = group[0].library;
  const single = { calls: [] as number[], ms: [] as number[] };
  const shared = { calls: [] as number[], ms: [] as number[] };
  const after = { calls: [] as number[], ms: [] as number[], stale: [] as number[] };
  let converged = true;
  for (let run = 0; run < runs; run++) {
    let result = await storm(group.slice(0, 1), `one:${run}`, callers, loaderMs);
    single.calls.push(result.calls);
    single.ms.push(result.ms);
    result = await storm(group, `three:${run}`, callers, loaderMs);
    shared.calls.push(result.calls);
    shared.ms.push(result.ms);

    // every instance holds the value in memory, then instance A invalidates it
    const key = `after:${run}`;
    const { load, madeThis } = countingLoader();
    for (const instance of group) await instance.getOrSet(key, load);
    await group[0].delete(key);
    converged &&= await reachesAll(group, key, madeThis);
    result = await storm(group, key, callers, loaderMs);
    after.calls.push(result.calls);
    after.ms.push(result.ms);
    after.stale.push(result.stale);
  }
  const note = (ms: number[]) => `all served in ${median(ms).toFixed(0)} ms`;
  const calls = (samples: number[]) => figure(samples, 'loader calls');
  return [
    row(
      `stampede, ${callers} callers, 1 instance`,
      library,
      calls(single.calls),
      undefined,
      note(single.ms),
    ),
    row(
      `stampede, ${callers} callers, ${INSTANCES} instances`,
      library,
      calls(shared.calls),
      undefined,
      note(shared.ms),
    ),
    row(
      `stampede right after an invalidation, ${INSTANCES} instances`,
      library,
      calls(after.calls),
      undefined,
      note(after.ms),
    ),
    row(
      `callers served the old value after an invalidation, ${INSTANCES} instances`,
      library,
      figure(after.stale, `of ${callers}`),
      undefined,
      converged ? undefined : 'no bus: the other instances keep it until the TTL',
    ),
  ];
}

/** Waits (up to a second) until no instance serves the invalidated value from its memory. */
async function reachesAll(group: Subject[], key: string, old: (value: unknown) => boolean) {
  const deadline = performance.now() + 1000;
  for (const instance of group) {
    if (!instance.get) continue; // one storage, in Redis: nothing to reach
    while (old(await instance.get(key))) {
      if (performance.now() > deadline) return false;
      await setTimeout(5);
    }
  }
  return true;
}

/** `callers` calls at once, spread over the instances; loader calls, time, old values served. */
async function storm(instances: Subject[], key: string, callers: number, loaderMs: number) {
  const { load, calls, madeThis } = countingLoader(loaderMs);
  const started = performance.now();
  const values = await Promise.all(
    Array.from({ length: callers }, (_, i) => instances[i % instances.length].getOrSet(key, load)),
  );
  return {
    calls: calls(),
    ms: performance.now() - started,
    stale: values.filter((v) => !madeThis(v)).length,
  };
}
