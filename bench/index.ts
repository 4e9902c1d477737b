import 'reflect-metadata';
import { RedisServer } from '../test/support/redis-server';
import { engineBench } from './engine.bench';
import { httpBench } from './http.bench';
import { limitsBench } from './limits.bench';
import { largeValuesBench } from './large-values.bench';
import { layoutBench } from './layout.bench';
import { clusterBench } from './cluster.bench';
import { resilienceBench } from './resilience.bench';
import { printRows, type Row } from './measure';

/** The sections of the bench, in the order they run. */
const SECTIONS: Record<string, (server: RedisServer) => Promise<Row[]>> = {
  engine: engineBench,
  resilience: resilienceBench,
  limits: limitsBench,
  'large-values': largeValuesBench,
  layout: () => layoutBench(),
  cluster: clusterBench,
  http: () => httpBench(),
};

/**
 * `npm run bench [section ...]`: every figure is a ratio against a floor measured in the same
 * run on the same machine (lru-cache get, raw ioredis GET, a bare route), so the numbers travel.
 * Named sections run alone (`npm run bench -- large-values`); none named, all of them.
 */
async function main(): Promise<void> {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) {
    console.error(
      `unknown section ${unknown.join(', ')}; sections: ${Object.keys(SECTIONS).join(', ')}`,
    );
    process.exit(2);
  }
  const server = await RedisServer.start();
  const rows: Row[] = [];
  try {
    for (const [name, run] of Object.entries(SECTIONS)) {
      if (names.length === 0 || names.includes(name)) rows.push(...(await run(server)));
    }
  } finally {
    await server.shutdown();
  }
  const ok = printRows(rows);
  console.log(ok ? '\nall targets met' : '\nsome targets missed (see MISSED)');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
