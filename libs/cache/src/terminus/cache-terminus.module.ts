import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { CacheHealthService } from '../admin/cache-health.service';
import { CacheHealthIndicator } from './cache-health.indicator';

/**
 * Import beside `CacheModule.forRoot()` and `TerminusModule` to inject `CacheHealthIndicator`.
 * Lives in its own entry point so that applications without @nestjs/terminus never load it.
 */
@Module({
  imports: [TerminusModule],
  providers: [CacheHealthService, CacheHealthIndicator],
  exports: [CacheHealthIndicator],
})
export class CacheTerminusModule {}
