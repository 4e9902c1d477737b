// The tag workload's GET probe, in a process of its own: what another client of the same Redis
// sees while an invalidation runs, without the invalidating process's event loop in the figure.
// Messages: 'start' → replies 'started' and GETs one key in a loop; 'stop' → replies the
// latencies (ms) since 'start'.
import { Redis } from 'ioredis';

const redis = new Redis(process.argv[2]);
let running = false;
let loop = Promise.resolve<number[]>([]);

process.on('message', (message: 'start' | 'stop') => {
  if (message === 'start') {
    running = true;
    loop = probe();
    process.send?.('started');
  } else {
    running = false;
    void loop.then((latencies) => process.send?.(latencies));
  }
});
process.on('disconnect', () => {
  redis.disconnect();
  process.exit(0);
});

async function probe(): Promise<number[]> {
  const latencies: number[] = [];
  while (running) {
    const started = performance.now();
    await redis.get('other:1');
    latencies.push(performance.now() - started);
  }
  return latencies;
}
