import {
  BadRequestException,
  Body,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import type { InvalidationResult } from '../engine/invalidator';
import type { AlertState } from '../monitoring/cache-events';
import { CacheMonitor } from '../monitoring/cache-monitor.service';
import { CacheService } from '../service/cache.service';
import type { StatsSnapshot } from '../stats/cache-stats';
import { WarmupRunner, type WarmupResult } from '../warmup/warmup.runner';
import { PublicAdminRoute } from './admin-auth.guard';
import { AdminController } from './admin-controller.decorator';
import { AdminSelfTest } from './admin-self-test.service';
import { CacheHealthService, type HealthReport } from './cache-health.service';
import { CacheMetrics } from './cache-metrics.service';
import { ClearBodyDto } from './dto/clear-body.dto';
import { ClearQueryDto } from './dto/clear-query.dto';
import { DebugKeyParams } from './dto/debug-key.params';
import { InvalidateDto } from './dto/invalidate.dto';
import { KeysQueryDto } from './dto/keys-query.dto';
import { plainBody } from './dto/plain-body';
import { UserIdParams } from './dto/user-id.params';
import { WarmDto } from './dto/warm.dto';
import { KeyInspector, type KeyReport, type KeysPage } from './key-inspector.service';
import { PerformanceTracker } from './performance-tracker.service';

const DEFAULT_PAGE_COUNT = 100;

/**
 * The cache's admin API (what every endpoint shares: admin-controller.decorator.ts). Every
 * endpoint but GET health needs the admin token or guard; input is validated by whitelisted DTOs
 * and by the engine (globs).
 */
@AdminController()
export class CacheAdminController {
  constructor(
    private readonly cache: CacheService,
    private readonly health: CacheHealthService,
    private readonly inspector: KeyInspector,
    private readonly metricsService: CacheMetrics,
    private readonly tracker: PerformanceTracker,
    private readonly selfTest: AdminSelfTest,
    private readonly warmups: WarmupRunner,
    private readonly monitor: CacheMonitor,
  ) {}

  @Get('health')
  @PublicAdminRoute()
  @ApiOperation({
    summary: 'Liveness of the cache (public): ok, degraded (Redis down, memory serves) or down',
  })
  @ApiResponse({ status: 200, description: '{ status, backend, redis?, hitRate }' })
  @ApiResponse({ status: 503, description: 'status "down": neither Redis nor memory can serve' })
  async getHealth(): Promise<HealthReport> {
    const report = await this.health.health();
    // a 503 lets load balancers act on "down" without parsing the body
    if (report.status === 'down') throw new ServiceUnavailableException(report);
    return report;
  }

  @Get('health/detailed')
  @ApiOperation({
    summary: 'Health plus key counts, Redis memory, connections, keyspace, mode, circuit, advice',
  })
  @ApiResponse({ status: 200, description: 'detailed health report' })
  detailed(): Promise<Record<string, unknown>> {
    return this.health.detailed();
  }

  @Get('stats')
  @ApiOperation({
    summary:
      'Hits, misses, hit rate, errors, invalidations, latency percentiles, overall and per namespace',
  })
  @ApiResponse({ status: 200, description: 'CacheService.stats()' })
  stats(): StatsSnapshot {
    return this.cache.stats();
  }

  @Delete('clear')
  @ApiOperation({
    summary: 'Delete keys under the prefix matching a glob; absent or "*" clears the prefix only',
  })
  @ApiResponse({ status: 200, description: '{ deleted }' })
  @ApiResponse({ status: 400, description: 'invalid pattern' })
  clear(@Query() query: ClearQueryDto): Promise<{ deleted: number }> {
    return this.clearMatching(query.pattern);
  }

  @Post('clear')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'DELETE clear with the pattern in a JSON body `{ pattern? }` (for clients without DELETE)',
  })
  @ApiResponse({ status: 200, description: '{ deleted }' })
  @ApiResponse({ status: 400, description: 'invalid pattern or body' })
  clearByBody(@Body() body: ClearBodyDto): Promise<{ deleted: number }> {
    return this.clearMatching(plainBody(body).pattern);
  }

  @Post('clear/user/:id')
  @HttpCode(200)
  @ApiOperation({
    summary: "Drop one user's entries of perUser routes (their `user:<id>` tag), and nothing else",
  })
  @ApiResponse({ status: 200, description: '{ deleted }' })
  @ApiResponse({ status: 400, description: 'invalid user id' })
  async clearUser(@Param() params: UserIdParams): Promise<{ deleted: number }> {
    return { deleted: await this.cache.invalidateUser(params.id) };
  }

  @Get('alerts')
  @ApiOperation({
    summary: 'In-process alerts: active ones and the last resolved ones, with value and threshold',
  })
  @ApiResponse({
    status: 200,
    description:
      '{ active: [{ alert, value, threshold, message, raisedAt }], recent: [... resolvedAt] }',
  })
  alerts(): { active: AlertState[]; recent: AlertState[] } {
    return this.monitor.alerts();
  }

  private async clearMatching(pattern: string | undefined): Promise<{ deleted: number }> {
    const deleted =
      pattern === undefined || pattern === '*'
        ? await this.cache.clear()
        : await this.cache.invalidatePattern(pattern);
    return { deleted };
  }

  @Post('invalidate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Invalidate tags, namespaces, keys and globs, everywhere' })
  @ApiResponse({
    status: 200,
    description: '{ keys, tags, namespaces, patterns }: counts invalidated',
  })
  @ApiResponse({ status: 400, description: 'invalid body' })
  invalidate(@Body() body: InvalidateDto): Promise<InvalidationResult> {
    const { tags, namespaces, keys, patterns } = plainBody(body);
    if (!tags?.length && !namespaces?.length && !keys?.length && !patterns?.length) {
      throw new BadRequestException('name at least one of tags, namespaces, keys, patterns');
    }
    return this.cache.invalidate({ tags, namespaces, keys, patterns });
  }

  @Get('warm')
  @ApiOperation({ summary: 'The warmup jobs: name, cron, and whether a run is in progress' })
  @ApiResponse({ status: 200, description: '{ jobs: [{ name, cron?, running }] }' })
  warmupJobs(): { jobs: { name: string; cron?: string; running: boolean }[] } {
    // the CLI runs jobs one by one from this list, to show each result as it comes
    const running = new Set(this.warmups.inProgress);
    const jobs = this.warmups
      .resolve()
      .map(({ name, cron }) => ({ name, ...(cron && { cron }), running: running.has(name) }));
    return { jobs };
  }

  @Post('warm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run every warmup job, or the named ones; a job already running is joined',
  })
  @ApiResponse({
    status: 200,
    description: '{ warmed, failed, durationMs, jobs: [{ name, ok, durationMs, error? }] }',
  })
  @ApiResponse({ status: 400, description: 'unknown job name, or invalid body' })
  warm(@Body() body: WarmDto): Promise<WarmupResult> {
    return this.warmups.run(plainBody(body).jobs);
  }

  @Get('debug/key/:key')
  @ApiOperation({ summary: 'One entry: where it lives, its TTL, size, namespace, tags and value' })
  @ApiResponse({
    status: 200,
    description: '{ exists, tier, ttlRemaining, sizeBytes, namespace, tags, value }',
  })
  @ApiResponse({ status: 400, description: 'invalid key' })
  debugKey(@Param() params: DebugKeyParams): Promise<KeyReport> {
    return this.inspector.inspect(params.key);
  }

  @Get('keys')
  @ApiOperation({
    summary:
      'One page of keys under the prefix (SCAN), with the cursor of the next page ("0": done)',
  })
  @ApiResponse({ status: 200, description: '{ keys, cursor, source }' })
  @ApiResponse({ status: 400, description: 'invalid pattern, cursor or count' })
  keys(@Query() query: KeysQueryDto): Promise<KeysPage> {
    return this.inspector.page(
      query.pattern ?? '*',
      query.cursor ?? '0',
      query.count ?? DEFAULT_PAGE_COUNT,
    );
  }

  @Get('performance')
  @ApiOperation({
    summary:
      'Hit rate by namespace, route and minute; top/bottom routes and namespaces, speed-up, time saved, meetsTarget, advice',
  })
  @ApiResponse({ status: 200, description: 'performance report' })
  performance(): Record<string, unknown> {
    return this.tracker.report();
  }

  @Get('metrics')
  @Header('Content-Type', prometheusContentType)
  @ApiOperation({ summary: 'Prometheus text exposition of the cache counters' })
  @ApiResponse({ status: 200, description: 'text/plain; version=0.0.4' })
  metrics(): Promise<string> {
    return this.metricsService.metrics();
  }

  @Get('test')
  @ApiOperation({ summary: 'A live set/get/exists/delete round trip under a reserved key, timed' })
  @ApiResponse({
    status: 200,
    description: '{ ok, key, backend, steps: [{ step, ok, ms, result?, error? }] }',
  })
  test(): ReturnType<AdminSelfTest['run']> {
    return this.selfTest.run();
  }
}
