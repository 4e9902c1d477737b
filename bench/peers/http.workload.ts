import { join } from 'node:path';
import { load, startServer } from '../http.bench';
import { figure, OURS, type PeerRow } from './figures';
import { floorRow, row } from './runs';
import type { Scale } from './scale';

const ROUTES: [path: string, library: string, note?: string][] = [
  ['/bare', 'bare route'],
  ['/origin', 'no cache', 'every request waits for the 2 ms origin'],
  ['/nest-cache-manager', '@nestjs/cache-manager', 'CacheInterceptor'],
  ['/ours', OURS, '@Cached'],
];

/**
 * Requests/s of one Nest app's routes under autocannon (the app in a child process): passes
 * alternate between routes, each route's figure is the median of its passes.
 */
export async function httpWorkload(scale: Scale): Promise<PeerRow[]> {
  const { seconds, passes, connections } = scale.http;
  const server = await startServer(join(__dirname, 'http-app.ts'));
  const samples = new Map<string, number[]>(ROUTES.map(([path]) => [path, []]));
  try {
    for (const [path] of ROUTES) await load(server.url(path), 1, connections); // fill, warm the JIT
    for (let pass = 0; pass < passes; pass++) {
      for (let i = 0; i < ROUTES.length; i++) {
        const [path] = ROUTES[(i + pass) % ROUTES.length];
        samples.get(path)?.push(await load(server.url(path), seconds, connections));
      }
    }
  } finally {
    server.stop();
  }
  const workload = `HTTP GET, ${connections} connections`;
  const of = (path: string) => figure(samples.get(path) ?? [], 'req/s');
  const floor = of('/bare');
  return ROUTES.map(([path, library, note]) =>
    path === '/bare'
      ? floorRow(workload, 'bare route', floor)
      : row(workload, library, of(path), floor, note),
  );
}
