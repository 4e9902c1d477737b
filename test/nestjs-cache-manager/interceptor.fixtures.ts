// Controllers written as @nestjs/cache-manager users write them; only the import path is ours.
import {
  Controller,
  Get,
  Injectable,
  Param,
  Post,
  StreamableFile,
  UseInterceptors,
  type ExecutionContext,
} from '@nestjs/common';
import { CacheInterceptor, CacheKey, CacheTTL } from '@app/cache/nestjs-cache-manager';

type Query = { query: Record<string, string | undefined>; headers: Record<string, string> };
const requestOf = (ctx: ExecutionContext) => ctx.switchToHttp().getRequest<Query>();

const FALSY: Record<string, unknown> = { zero: 0, empty: '', false: false, null: null };

@Controller('items')
@UseInterceptors(CacheInterceptor)
export class ItemsController {
  runs: Record<string, number> = {};

  private run(name: string): number {
    this.runs[name] = (this.runs[name] ?? 0) + 1;
    return this.runs[name];
  }

  @Get('default')
  byDefault() {
    return { run: this.run('default') };
  }

  @Get('handler-ttl')
  @CacheTTL(2_000)
  handlerTtl() {
    return { run: this.run('handler-ttl') };
  }

  @Get('ttl-factory')
  @CacheTTL((ctx) => Number(requestOf(ctx).query.ttl))
  ttlFactory() {
    return { run: this.run('ttl-factory') };
  }

  @Get('short')
  @CacheTTL(300)
  short() {
    return { run: this.run('short') };
  }

  @Get('key')
  @CacheKey('fixed-key')
  fixedKey() {
    return { run: this.run('key') };
  }

  @Get('key-factory')
  @CacheKey((ctx) => `item:${requestOf(ctx).query.id}`)
  keyFactory() {
    return { run: this.run('key-factory') };
  }

  @Post('create')
  create() {
    return { run: this.run('create') };
  }

  @Get('falsy/:kind')
  falsy(@Param('kind') kind: string) {
    this.run(`falsy:${kind}`);
    return FALSY[kind];
  }

  @Get('file')
  file() {
    this.run('file');
    return new StreamableFile(Buffer.from('bytes'));
  }
}

@Controller('class-ttl')
@CacheTTL(7_000)
@UseInterceptors(CacheInterceptor)
export class ClassTtlController {
  @Get()
  plain() {
    return { ok: true };
  }

  @Get('override')
  @CacheTTL(3_000)
  override() {
    return { ok: true };
  }
}

/** The docs' subclass: a key per tenant, and requests marked no-store skipped. */
@Injectable()
export class TenantCacheInterceptor extends CacheInterceptor {
  protected trackBy(context: ExecutionContext): string | undefined {
    const key = super.trackBy(context);
    return typeof key === 'string' ? `${requestOf(context).headers['x-tenant']}:${key}` : undefined;
  }

  protected isRequestCacheable(context: ExecutionContext): boolean {
    return (
      super.isRequestCacheable(context) &&
      requestOf(context).headers['cache-control'] !== 'no-store'
    );
  }
}

@Controller('tenant')
@UseInterceptors(TenantCacheInterceptor)
export class TenantController {
  runs = 0;

  @Get()
  home() {
    return { run: ++this.runs };
  }
}

/** allowedMethods widened, as NCM lets a subclass do. */
@Injectable()
export class PostCacheInterceptor extends CacheInterceptor {
  protected allowedMethods = ['GET', 'POST'];
}

@Controller('search')
@UseInterceptors(PostCacheInterceptor)
export class SearchController {
  runs = 0;

  @Post()
  search() {
    return { run: ++this.runs };
  }
}
