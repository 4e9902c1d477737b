// `@nest-tiered/cache/terminus`: needs the optional peer dependency @nestjs/terminus.
export { CacheHealthIndicator } from './cache-health.indicator';
export { CacheTerminusModule } from './cache-terminus.module';
