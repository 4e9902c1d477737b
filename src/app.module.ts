import { Module, type DynamicModule } from '@nestjs/common';
import { CacheModule, type CacheModuleOptions } from '@app/cache';
import { AnalyticsModule } from './analytics/analytics.module';
import { AppointmentsModule } from './appointments/appointments.module';
import { AvailabilityModule } from './availability/availability.module';
import { BarbersModule } from './barbers/barbers.module';
import { CatalogModule } from './catalog/catalog.module';
import { DatabaseModule } from './database/database.module';

export interface AppOptions {
  /** Redis for the cache. Absent: REDIS_URL from the env (none → memory); null: memory only. */
  redisUrl?: string | null;
  /** PostgreSQL. Absent: DATABASE_URL from the environment (none → PGlite); null: PGlite. */
  databaseUrl?: string | null;
}

/**
 * How long each kind of data may be served from the cache, in seconds. Short where a stale
 * answer costs a customer (free slots), long where data barely changes (the barber list).
 * Mutations invalidate on top of this, so TTLs only bound changes made behind the app's back.
 */
export const CACHE_NAMESPACES: NonNullable<CacheModuleOptions['namespaces']> = {
  availability: { ttl: 60 },
  analytics: { ttl: 300 },
  barbers: { ttl: 3600 },
};

@Module({})
export class AppModule {
  static forRoot(options: AppOptions = {}): DynamicModule {
    const databaseUrl =
      options.databaseUrl === undefined ? process.env.DATABASE_URL : options.databaseUrl;
    return {
      module: AppModule,
      imports: [
        CacheModule.forRoot({
          keyPrefix: 'booking',
          namespaces: CACHE_NAMESPACES,
          // Leaving `redis` out lets the library read REDIS_URL (and REDIS_PASSWORD, REDIS_DB).
          ...(options.redisUrl !== undefined ? { redis: options.redisUrl } : {}),
        }),
        DatabaseModule.forRoot({ url: databaseUrl || undefined }),
        BarbersModule,
        CatalogModule,
        AvailabilityModule,
        AppointmentsModule,
        AnalyticsModule,
      ],
    };
  }
}
