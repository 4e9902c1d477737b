import calculateSlot from 'cluster-key-slot';
import { Cluster, type ChainableCommander } from 'ioredis';
import type { AnyRedis } from '../redis/redis-client.factory';

/**
 * One command per key, in one round trip per node holding keys of the batch. A Cluster pipeline
 * must stay on one node, so keys are grouped by the master that serves their slot; one server
 * takes them all in one pipeline. Results come back in the keys' order; a failed command fails
 * the batch (the caller's circuit breaker counts it).
 */
export async function perNode<R>(
  client: AnyRedis,
  keys: string[],
  add: (pipeline: ChainableCommander, index: number) => void,
): Promise<R[]> {
  if (keys.length === 0) return [];
  const groups = new Map<string, number[]>();
  if (client instanceof Cluster) {
    keys.forEach((key, i) => {
      const node = client.slots[calculateSlot(key)]?.[0] ?? '';
      const group = groups.get(node);
      if (group) group.push(i);
      else groups.set(node, [i]);
    });
  } else
    groups.set(
      '',
      keys.map((_, i) => i),
    );
  const results = new Array<R>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const pipeline = client.pipeline();
      for (const i of indexes) add(pipeline, i);
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([err, reply], j) => {
        if (err) throw err;
        results[indexes[j]] = reply as R;
      });
    }),
  );
  return results;
}
