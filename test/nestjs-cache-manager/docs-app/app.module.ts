// The NestJS caching docs' examples (docs.nestjs.com/techniques/caching) as an application
// would have them with @nestjs/cache-manager. The only change is the import path below; the
// Redis to use and the key prefix come from the environment (REDIS_URL, CACHE_PREFIX).
import {
  Body,
  Controller,
  Delete,
  Get,
  Inject,
  Injectable,
  Module,
  Param,
  Post,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { Cache } from 'cache-manager';
// was: from '@nestjs/cache-manager'
import {
  CACHE_MANAGER,
  CacheInterceptor,
  CacheKey,
  CacheModule,
  CacheTTL,
} from '@app/cache/nestjs-cache-manager';

export interface Cat {
  id: string;
  name: string;
}

@Injectable()
export class CatsService {
  /** how often the "database" was read */
  loads = 0;
  private readonly names = new Map<string, string>();

  constructor(@Inject(CACHE_MANAGER) private cacheManager: Cache) {}

  async findOne(id: string): Promise<Cat> {
    const cached = await this.cacheManager.get<Cat>(`cat:${id}`);
    if (cached) return cached;
    this.loads++;
    const cat = { id, name: this.names.get(id) ?? `cat ${id}` };
    await this.cacheManager.set(`cat:${id}`, cat, 1000);
    return cat;
  }

  async rename(id: string, name: string): Promise<Cat> {
    this.names.set(id, name);
    await this.cacheManager.del(`cat:${id}`);
    return { id, name };
  }

  async reset(): Promise<void> {
    await this.cacheManager.clear();
  }
}

@Controller('cats')
@CacheTTL(50_000)
export class CatsController {
  runs = 0;

  constructor(private readonly cats: CatsService) {}

  @Get()
  findAll(): string[] {
    this.runs++;
    return ['Tom', 'Garfield'];
  }

  @Get('custom')
  @CacheKey('custom_key')
  @CacheTTL(20_000)
  custom(): { run: number } {
    return { run: ++this.runs };
  }

  @Post()
  create(@Body() body: { name: string }): { created: string; run: number } {
    return { created: body.name, run: ++this.runs };
  }

  @Post(':id/name')
  rename(@Param('id') id: string, @Body() body: { name: string }): Promise<Cat> {
    return this.cats.rename(id, body.name);
  }

  @Delete()
  reset(): Promise<void> {
    return this.cats.reset();
  }
}

@Module({
  imports: [CacheModule.register({ ttl: 5000 })],
  controllers: [CatsController],
  providers: [CatsService, { provide: APP_INTERCEPTOR, useClass: CacheInterceptor }],
})
export class AppModule {}
