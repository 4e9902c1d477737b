import { Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { CacheHealthService } from '../admin/cache-health.service';

/**
 * The cache for an application's terminus `/health`: up, degraded (Redis down, memory serves:
 * the check stays 200) or down, with the facts of `GET /cache/health`.
 */
@Injectable()
export class CacheHealthIndicator {
  constructor(
    private readonly health: CacheHealthService,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async isHealthy<const Key extends string = 'cache'>(
    key: Key = 'cache' as Key,
  ): Promise<HealthIndicatorResult<Key>> {
    const session = this.indicators.check(key);
    const { status, ...facts } = await this.health.health();
    if (status === 'ok') return session.up(facts);
    return status === 'degraded' ? session.degraded(facts) : session.down(facts);
  }
}
