import {
  Controller,
  Get,
  Header,
  Inject,
  NotFoundException,
  Param,
  Req,
  StreamableFile,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CACHE_OPTIONS } from '../cache.constants';
import type { ResolvedCacheOptions } from '../options/resolved-options';
import { DashboardAssets, type Asset } from './dashboard-assets';

/** Only this server's own files run, and nothing can frame the page or be injected inline. */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web dashboard, mounted at `<admin.path>/dashboard` (see dashboard.ts). Its files are public:
 * they hold no data. The page asks for the admin token and sends it with every call it makes to
 * the admin API, so the admin guard decides what it can see and do.
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(
    @Inject(CACHE_OPTIONS) private readonly options: ResolvedCacheOptions,
    private readonly assets: DashboardAssets,
  ) {}

  @Get()
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  @Header('Cache-Control', 'no-cache')
  page(@Req() req: { originalUrl?: string; url?: string }): StreamableFile {
    this.ensureEnabled();
    const path = new URL(req.originalUrl ?? req.url ?? '/', 'http://localhost').pathname;
    return file(this.assets.page(path.replace(/\/+$/, '')));
  }

  @Get(':file')
  @Header('Content-Security-Policy', DASHBOARD_CSP)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'no-cache')
  asset(@Param('file') name: string): StreamableFile {
    this.ensureEnabled();
    return file(this.assets.get(name));
  }

  /** Disabled from a forRootAsync factory: the routes exist (at a reserved path) but answer 404. */
  private ensureEnabled(): void {
    if (!this.options.admin || !this.options.admin.dashboard) throw new NotFoundException();
  }
}

function file(asset: Asset): StreamableFile {
  return new StreamableFile(asset.body, { type: asset.type, length: asset.body.length });
}
