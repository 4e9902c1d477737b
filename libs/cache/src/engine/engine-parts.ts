import { InvalidationBus } from '../bus/invalidation-bus';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import type { RedisService } from '../redis/redis.service';
import type { CacheStats } from '../stats/cache-stats';
import { UncacheableReporter } from '../values/uncacheable';
import { ValueFormats } from '../values/value-format';
import { EntryPolicy, GUARD_WINDOW_MS } from './entry-policy';
import { Flights } from './flights';
import { Invalidator } from './invalidator';
import { KeyLayout } from './key-layout';
import { Ledger } from './ledger';
import { Loader } from './loader';
import { MemoryTier } from './memory-tier';
import { Reader } from './reader';
import { Reaper } from './reaper';
import { RedisKeyspace } from './redis-keyspace';
import { RedisTier } from './redis-tier';
import { Serializer } from './serializer';
import { Writer } from './writer';

/** The parts the engine is composed of; each is given only the others it uses. */
export interface EngineParts {
  layout: KeyLayout;
  memory: MemoryTier | null;
  redisTier: RedisTier;
  keyspace: RedisKeyspace;
  ledger: Ledger;
  reaper: Reaper;
  policy: EntryPolicy;
  serializer: Serializer;
  uncacheable: UncacheableReporter;
  flights: Flights;
  invalidator: Invalidator;
  reader: Reader;
  /** null in memory-only mode: no other instance to hear from */
  bus: InvalidationBus | null;
  loader: Loader;
  writer: Writer;
}

export interface Wiring {
  options: ResolvedCacheOptions;
  redis: RedisService;
  stats: CacheStats;
  instanceId: string;
  /** the bus's subscription went down or came back */
  onBusHealth: (healthy: boolean) => void;
}

/** The engine's composition root: builds every part once, in dependency order. */
export function composeEngine({
  options,
  redis,
  stats,
  instanceId,
  onBusHealth,
}: Wiring): EngineParts {
  const layout = new KeyLayout(options.keyPrefix);
  const memory = options.memory ? new MemoryTier(options.memory) : null;
  // values larger than maxValueBytes are not cached; formats (serializers) are found by name
  const serializer = new Serializer(
    options.compressThreshold,
    options.maxValueBytes,
    new ValueFormats(options.serializer),
  );
  const policy = new EntryPolicy(options);
  const uncacheable = new UncacheableReporter(stats);
  const flights = new Flights();
  const redisTier = new RedisTier(
    redis,
    layout,
    GUARD_WINDOW_MS,
    options.resilience.commandTimeoutMs,
    () => stats.error(),
  );
  const keyspace = new RedisKeyspace(redisTier, redis, layout);
  const ledger = new Ledger(keyspace);
  let bus: InvalidationBus | null = null;
  const reaper = new Reaper(
    options.reaper,
    ledger.markers,
    keyspace,
    redisTier,
    layout,
    GUARD_WINDOW_MS,
    // the bus exists whenever Redis does, and the reaper runs only then
    (covered, pruned) => {
      if (bus) void redisTier.publish(covered, bus.encode({ r: 1, x: pruned }));
    },
  );
  const invalidator = new Invalidator({
    memory,
    flights,
    redis: redisTier,
    keyspace,
    ledger,
    reaper,
    stats,
  });
  const reader = new Reader({
    memory,
    redis: redisTier,
    serializer,
    policy,
    stats,
    invalidator,
    ledger,
    keyspace,
  });
  // every instance with Redis hears the others: their invalidations' markers judge its reads
  if (redisTier.configured) {
    bus = new InvalidationBus(
      redis,
      layout.channel,
      instanceId,
      (message) => invalidator.onBusMessage(message),
      onBusHealth,
    );
    invalidator.attachBus(bus);
  }
  const loader = new Loader({
    flights,
    reader,
    redis: redisTier,
    memory,
    markers: ledger.markers,
    policy,
    serializer,
    stats,
    uncacheable,
    lock: options.lock,
    instanceId,
  });
  const writer = new Writer({
    flights,
    redis: redisTier,
    memory,
    policy,
    serializer,
    invalidator,
    bus,
    uncacheable,
  });
  return {
    layout,
    memory,
    redisTier,
    keyspace,
    ledger,
    reaper,
    policy,
    serializer,
    uncacheable,
    flights,
    invalidator,
    reader,
    bus,
    loader,
    writer,
  };
}
