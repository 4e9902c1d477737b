import 'reflect-metadata';
import { Redis } from 'ioredis';
import { writeFileSync } from 'node:fs';
import { RedisServer } from '../../test/support/redis-server';
import { environment } from './environment';
import { renderTable, type PeerRow } from './figures';
import { coherenceWorkload } from './coherence.workload';
import { hitWorkloads } from './hits.workload';
import { httpWorkload } from './http.workload';
import { mixWorkload } from './mix.workload';
import { stampedeWorkload } from './stampede.workload';
import { tagWorkload } from './tags.workload';
import { scaleFromEnv } from './scale';
import { loadOurs, oursSubject } from './subjects/ours';
import { PEERS } from './subjects/peers';
import type { SubjectFactory } from './subjects/subject';

/**
 * `npm run bench:peers`: every workload on this library and on each peer, in one process and one
 * run, on one redis-server started here, printed as one table of ratios against the floors.
 * BENCH_SCALE=small runs a tiny size; BENCH_JSON=<file> also writes the rows as JSON.
 */
async function main(): Promise<void> {
  const scale = scaleFromEnv();
  const lib = loadOurs();
  const ours: SubjectFactory = (options) => oursSubject(lib, options);
  const factories = [ours, ...PEERS];
  // DEBUG POPULATE fills the tag workload's million unrelated keys in a second
  const server = await RedisServer.start({ args: ['--enable-debug-command', 'yes'] });
  const rows: PeerRow[] = [];
  const started = Date.now();
  const redis = new Redis(server.url);
  const machine = await environment(redis);
  redis.disconnect();
  try {
    const step = async (name: string, run: () => Promise<PeerRow[]>) => {
      const t0 = Date.now();
      rows.push(...(await run()));
      await server.flushall(); // each workload starts on an empty Redis
      console.error(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    };
    await step('hits', () => hitWorkloads(factories, server.url, scale));
    await step('zipf mix', () => mixWorkload(factories, server.url, scale));
    await step('stampede', () => stampedeWorkload(factories, server.url, scale));
    await step('coherence', () => coherenceWorkload(factories, server.url, scale));
    await step('tags', () => tagWorkload(factories, server.url, scale));
    await step('http', () => httpWorkload(scale));
  } finally {
    await server.shutdown();
  }
  console.log(`${machine}\n\n${renderTable(rows)}`);
  console.log(`\nscale ${scale.name}, ${((Date.now() - started) / 1000).toFixed(0)} s in all`);
  if (process.env.BENCH_JSON) writeFileSync(process.env.BENCH_JSON, JSON.stringify(rows, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
