import { WarmupExplorer } from './warmup.explorer';
import { WarmupRunner } from './warmup.runner';
import { WarmupScheduler } from './warmup.scheduler';

/** What CacheModule provides for warmup (WarmupRegistry is provided on its own: CacheService needs it). */
export const WARMUP_PROVIDERS = [WarmupExplorer, WarmupRunner, WarmupScheduler];
