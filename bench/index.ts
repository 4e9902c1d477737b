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

/**
 * `npm run bench`: every figure is a ratio against a floor measured in the same run on the same
 * machine (lru-cache get, raw ioredis GET, a bare route), so the numbers travel.
 */
async function main(): Promise<void> {
  const server = await RedisServer.start();
  const rows: Row[] = [];
  try {
    rows.push(...(await engineBench(server)));
    rows.push(...(await resilienceBench(server)));
    rows.push(...(await limitsBench(server)));
    rows.push(...(await largeValuesBench(server)));
    rows.push(...(await layoutBench()));
    rows.push(...(await clusterBench(server)));
    rows.push(...(await httpBench()));
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
