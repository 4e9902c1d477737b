// An app on a real redis-server, listening on a loopback port, and Chromium to look at its
// dashboard: what every browser suite of the dashboard starts from.
import type { ModuleMetadata } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { CacheService } from '@app/cache';
import { startApp, TOKEN, type TestApp } from '../../admin/support/admin-app';
import { RedisServer } from '../../support/redis-server';
import { launchChromium, type Browser } from './browser';
import { Traffic } from './traffic';

export { TOKEN };

/** Keys and values that would run script if the page ever parsed them as HTML. */
export const XSS = '<img src=x onerror="window.__xss=1">';

export interface DashboardApp {
  t: TestApp;
  cache: CacheService;
  traffic: Traffic;
  browser: Browser;
  /** http://127.0.0.1:<port> */
  base: string;
  /** Opens the dashboard in `tab` and submits `token` on its form. */
  signIn(tab: Page, token: string): Promise<void>;
  close(): Promise<void>;
}

export async function startDashboardApp(metadata: ModuleMetadata = {}): Promise<DashboardApp> {
  const server = await RedisServer.start();
  const parts: Partial<DashboardApp> = {};
  const close = async () => {
    await parts.traffic?.stop();
    await parts.browser?.close();
    await parts.t?.close();
    await server.shutdown();
  };
  try {
    const t = (parts.t = await startApp(
      {
        redis: server.url,
        keyPrefix: 'dash',
        namespaces: { products: { ttl: 120 }, users: { ttl: 30 }, catalog: { ttl: 600 } },
        admin: { token: TOKEN },
        warmup: { onStartup: false },
      },
      metadata,
    ));
    await t.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const cache = t.app.get(CacheService);
    parts.traffic = new Traffic(cache);
    parts.browser = await launchChromium();
    return {
      t,
      cache,
      traffic: parts.traffic,
      browser: parts.browser,
      base,
      signIn: async (tab, token) => {
        await tab.goto(`${base}/cache/dashboard`);
        await tab.fill('#token', token);
        await tab.click('#login-form button[type=submit]');
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
