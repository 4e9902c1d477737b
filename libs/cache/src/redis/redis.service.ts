import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Cluster } from 'ioredis';
import { EventEmitter } from 'node:events';
import { CACHE_OPTIONS } from '../cache.constants';
import { RedisNotConfiguredError } from '../errors';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { CircuitBreaker, type CircuitState } from './circuit-breaker';
import { parseInfo } from './info.parser';
import { until } from './until';
import {
  buildRedisClient,
  duplicateForSubscriber,
  type AnyRedis,
  type RedisMode,
} from './redis-client.factory';

export type RedisStatus = 'ready' | 'connecting' | 'down' | 'disabled';

/**
 * The Redis connection of the cache: built from the options (or handed in), watched, and closed
 * on shutdown when it is ours. Owns the circuit breaker, since "is Redis usable" is its question.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  /** the ioredis client; null in memory-only mode */
  readonly client: AnyRedis | null;
  readonly mode: RedisMode | 'disabled';
  readonly breaker: CircuitBreaker;
  /** emits 'ready' when (re)connected, 'down' when the connection is lost, 'circuit' (state) */
  readonly events = new EventEmitter();
  /** false when the application handed us the client: we never close it, nor trust its settings */
  readonly owned: boolean;
  private readonly logger = new Logger('RedisService');
  private subscriberClient: AnyRedis | null = null;
  private everReady = false;
  private lastError: string | undefined;
  private closed = false;

  constructor(@Inject(CACHE_OPTIONS) options: ResolvedCacheOptions) {
    const { breakerThreshold, breakerDurationMs } = options.resilience;
    this.breaker = new CircuitBreaker(breakerThreshold, breakerDurationMs, (state) =>
      this.onCircuit(state),
    );
    if (!options.redis) {
      this.client = null;
      this.mode = 'disabled';
      this.owned = false;
      return;
    }
    const built = buildRedisClient(options.redis, options);
    this.client = built.client;
    this.mode = built.mode;
    this.owned = built.owned;
    this.watch(this.client, 'cache');
    if (this.client.status === 'ready') this.everReady = true;
    if (this.owned) this.client.connect().catch(() => undefined); // failures reach the 'error' listener
  }

  get status(): RedisStatus {
    if (!this.client) return 'disabled';
    if (this.client.status === 'ready') return this.breaker.state === 'open' ? 'down' : 'ready';
    return this.everReady || this.client.status === 'end' ? 'down' : 'connecting';
  }

  /** true once the connection is ready, false if it is not within timeoutMs. */
  whenReady(timeoutMs: number): Promise<boolean> {
    return until(this.events, 'ready', () => this.status === 'ready', timeoutMs);
  }

  get circuit(): CircuitState {
    return this.breaker.state;
  }

  /** Round-trip latency in ms. */
  async ping(): Promise<number> {
    const client = this.require();
    const started = process.hrtime.bigint();
    await client.ping();
    return Number(process.hrtime.bigint() - started) / 1e6;
  }

  /** Parsed INFO (of the first master, in a Cluster). */
  async info(section?: string): Promise<Record<string, string>> {
    const client = this.require();
    const node = client instanceof Cluster ? client.nodes('master')[0] : client;
    const text = section ? await node.info(section) : await node.info();
    return parseInfo(text);
  }

  /** Every node that holds data: the masters of a Cluster, or the one server. */
  masters(): AnyRedis[] {
    const client = this.require();
    return client instanceof Cluster ? client.nodes('master') : [client];
  }

  /** A separate connection for pub/sub, made on first use and always ours to close. */
  subscriber(): AnyRedis {
    if (!this.subscriberClient) {
      this.subscriberClient = duplicateForSubscriber(this.require());
      this.watch(this.subscriberClient, 'subscriber');
      this.subscriberClient.connect().catch(() => undefined);
    }
    return this.subscriberClient;
  }

  get lastErrorMessage(): string | undefined {
    return this.lastError;
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    const closing: Promise<unknown>[] = [];
    if (this.subscriberClient) closing.push(close(this.subscriberClient));
    if (this.client && this.owned) closing.push(close(this.client));
    await Promise.all(closing);
  }

  private require(): AnyRedis {
    if (!this.client) throw new RedisNotConfiguredError();
    return this.client;
  }

  private watch(client: AnyRedis, role: string): void {
    // without an 'error' listener, a connection error would crash the process
    client.on('error', (err: Error) => {
      if (this.lastError !== err.message && !this.closed) {
        this.logger.warn(`Redis ${role} connection: ${err.message}`);
      }
      this.lastError = err.message;
    });
    client.on('ready', () => {
      if (role === 'cache') {
        this.everReady = true;
        this.breaker.reset();
      }
      if (this.lastError && !this.closed) this.logger.log(`Redis ${role} connection is back`);
      this.lastError = undefined;
      this.events.emit(role === 'cache' ? 'ready' : 'subscriber-ready');
    });
    client.on('close', () => {
      if (this.closed) return;
      // with the connection gone every call would fail: open the circuit whatever the traffic
      if (role === 'cache') this.breaker.trip();
      this.events.emit(role === 'cache' ? 'down' : 'subscriber-down');
    });
  }

  private onCircuit(state: CircuitState): void {
    if (this.closed) return;
    this.events.emit('circuit', state);
    if (state === 'open') this.logger.warn('Redis circuit opened: serving from memory and loaders');
    if (state === 'closed') this.logger.log('Redis circuit closed: Redis is used again');
  }
}

async function close(client: AnyRedis): Promise<void> {
  if (client.status === 'end') return;
  try {
    if (client.status === 'ready') {
      await client.quit();
      // quit() leaves ioredis' Sentinel failover detector subscribed to the sentinels;
      // disconnect() is what releases it (and is a no-op on a connection already closed)
      if (client instanceof Cluster) return;
    }
  } catch {
    // fall through: a connection that cannot quit politely is cut
  }
  client.disconnect();
}
