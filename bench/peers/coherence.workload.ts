import { Redis } from 'ioredis';
import { setImmediate } from 'node:timers/promises';
import { figure, percentile, type PeerRow } from './figures';
import { closeAll, countingLoader, floorRow, row } from './runs';
import type { Scale } from './scale';
import type { Subject, SubjectFactory } from './subjects/subject';

/**
 * Two instances with memory tiers over one Redis: after instance A deletes a key, how long
 * instance B goes on serving the old value from its memory (p50 / p99 over the samples,
 * libraries alternating). Only libraries with a bus between instances converge before the TTL,
 * so the peers without one are left out. The floor is one Redis pub/sub message.
 */
export async function coherenceWorkload(
  factories: SubjectFactory[],
  url: string,
  scale: Scale,
): Promise<PeerRow[]> {
  const pairs: [Subject, Subject][] = [];
  const samples = new Map<string, number[]>([['pub/sub', []]]);
  const pubsub = await pubSubProbe(url);
  try {
    for (const [i, make] of factories.entries()) {
      const options = { memory: 10_000, redis: url, prefix: `coherence${i}` };
      const pair: [Subject, Subject] = [await make(options), await make(options)];
      pairs.push(pair);
      // a library without a bus is not measured: its other instances keep the value until the TTL
      if (!(await converges(pair))) await closeAll(pairs.pop() ?? []);
      else samples.set(pair[0].library, []);
    }
    for (let n = 0; n < scale.coherence.samples; n++) {
      samples.get('pub/sub')?.push(await pubsub.roundTrip());
      for (const pair of pairs) samples.get(pair[0].library)?.push(await lag(pair, `k:${n}`));
    }
  } finally {
    await pubsub.close();
    await closeAll(pairs.flat());
  }
  const rows: PeerRow[] = [];
  for (const [what, p] of [
    ['p50', 50],
    ['p99', 99],
  ] as const) {
    const workload = `coherence: B stops serving a key A deleted, ${what}`;
    const of = (name: string) => figure([percentile(samples.get(name) ?? [], p)], 'ms');
    const floor = of('pub/sub');
    rows.push(floorRow(workload, 'one Redis pub/sub message', floor));
    for (const [a] of pairs) {
      rows.push(
        row(workload, a.library, of(a.library), floor, `${scale.coherence.samples} deletes`),
      );
    }
  }
  return rows;
}

/** ms from A's delete call until B's read no longer returns the value both held. */
async function lag([a, b]: [Subject, Subject], key: string): Promise<number> {
  const { load, madeThis } = countingLoader();
  await a.getOrSet(key, load);
  await b.getOrSet(key, load); // B now holds the value in memory
  if (!madeThis(await b.get?.(key))) throw new Error(`${b.library}: B does not hold the value`);
  const started = performance.now();
  const deleted = a.delete(key);
  while (madeThis(await b.get?.(key))) await setImmediate(); // let the bus message in
  const ms = performance.now() - started;
  await deleted;
  return ms;
}

/** Whether B stops serving a key deleted on A within a second. */
async function converges(pair: [Subject, Subject]): Promise<boolean> {
  if (!pair[1].get) return false;
  const deadline = performance.now() + 1000;
  const { load, madeThis } = countingLoader();
  await pair[0].getOrSet('probe', load);
  await pair[1].getOrSet('probe', load);
  await pair[0].delete('probe');
  while (performance.now() < deadline) {
    if (!madeThis(await pair[1].get('probe'))) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

async function pubSubProbe(url: string) {
  const publisher = new Redis(url);
  const subscriber = new Redis(url);
  await subscriber.subscribe('bench:probe');
  return {
    roundTrip: () =>
      new Promise<number>((resolve) => {
        const started = performance.now();
        subscriber.once('message', () => resolve(performance.now() - started));
        void publisher.publish('bench:probe', 'x');
      }),
    close: async () => {
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
