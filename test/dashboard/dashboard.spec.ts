import { Injectable, type OnModuleInit } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { CacheService } from '@app/cache';
import { waitFor } from '../support/wait-for';
import { describeConsole } from './support/browser';
import { startDashboardApp, TOKEN, XSS, type DashboardApp } from './support/dashboard-app';

jest.setTimeout(90_000);

const OUTPUT = join(__dirname, '..', '..', 'test-output');
const warmed: string[] = [];

@Injectable()
class WarmJobs implements OnModuleInit {
  constructor(private readonly cache: CacheService) {}
  onModuleInit(): void {
    this.cache.registerWarmup({
      name: 'catalog',
      load: async () => {
        await this.cache.set('catalog:all', ['comb', 'brush'], { namespace: 'catalog' });
        warmed.push('catalog');
        return 1;
      },
    });
  }
}

describe('dashboard in Chromium, on Redis', () => {
  let d: DashboardApp;
  let cache: CacheService;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    d = await startDashboardApp({ providers: [WarmJobs] });
    cache = d.cache;
    page = await d.browser.context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(describeConsole(msg));
    });
    page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  });

  afterAll(async () => {
    await d?.close();
  });

  /** Points the hit-rate chart holds, as the page exposes them. */
  async function chartPoints(): Promise<number> {
    return Number(await page.getAttribute('#chart-hit-rate', 'data-points'));
  }

  it('serves the page and its assets without a token, with a Content-Security-Policy', async () => {
    const res = await fetch(`${d.base}/cache/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    const html = await res.text();
    expect(html).toContain('src="/cache/dashboard/app.js"');
    expect(html).not.toMatch(/<script>|\son[a-z]+=/i); // no inline script, no on* attribute
    for (const [file, type] of [
      ['app.js', /javascript/],
      ['uplot.js', /javascript/],
      ['uplot.css', /css/],
    ] as const) {
      const asset = await fetch(`${d.base}/cache/dashboard/${file}`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(type);
    }
    for (const name of ['nope.js', '..%2Fdashboard.controller.ts', 'index.html.bak']) {
      expect((await fetch(`${d.base}/cache/dashboard/${name}`)).status).toBe(404);
    }
  });

  it('refuses a wrong token with a message, and keeps it out of the URL', async () => {
    const tab = await d.browser.context.newPage();
    try {
      await d.signIn(tab, 'not-the-token');
      await tab.waitForSelector('#login-error:has-text("refused")');
      expect(await tab.isHidden('#app')).toBe(true);
      expect(tab.url()).not.toContain('not-the-token');
      expect(await tab.evaluate('sessionStorage.length')).toBe(0);
    } finally {
      await tab.close();
    }
  });

  it('loads with no console error and charts the hit rate after traffic', async () => {
    await d.signIn(page, TOKEN);
    await page.waitForSelector('#app:not([hidden])');
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(page.url()).not.toContain(TOKEN);
    d.traffic.start();
    await waitFor(async () => (await chartPoints()) >= 3, {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: 'the hit-rate chart never had 3 points',
    });
    expect(await page.locator('#chart-hit-rate canvas').count()).toBe(1);
    expect(await page.textContent('#figure-hit-rate .figure-value')).toMatch(/^\d+\.\d %$/);
    await page.waitForSelector('#namespaces td:has-text("products")');
    expect(await page.textContent('#namespaces')).toContain('120 s'); // the namespace's TTL
    expect(await page.textContent('#status')).toBe('ok');
    expect(await page.textContent('#health')).toMatch(/Redis version\s*\d+\.\d+/);
    // optional endpoints a server may lack (GET /cache/alerts before the monitoring module)
    // answer 404 once; anything else logged as an error is a bug
    const unexpected = consoleErrors.filter(
      (e) => !/Failed to load resource.*404.*@ .*\/cache\/alerts$/.test(e),
    );
    expect(unexpected).toEqual([]);
  });

  it('browses keys and inspects one: TTL, tags, pretty value', async () => {
    await cache.set(
      'products:special',
      { name: 'razor', sizes: [1, 2] },
      {
        namespace: 'products',
        tags: ['product:special', 'promo'],
      },
    );
    await page.fill('#keys-pattern', 'products:special');
    await page.click('#keys-form button');
    await page.click('#keys button.key:text-is("products:special")');
    await page.waitForSelector('#inspector:not([hidden])');
    const facts = await page.textContent('#inspector-facts');
    const ttl = Number(/TTL\s*(\d+) s/.exec(facts ?? '')?.[1]);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
    expect(facts).toContain('product:special');
    expect(facts).toContain('promo');
    expect(await page.textContent('#inspector-value')).toBe(
      JSON.stringify({ name: 'razor', sizes: [1, 2] }, null, 2),
    );
  });

  it('renders keys and values as text: the XSS probe stays inert', async () => {
    await cache.set(`xss:${XSS}`, { html: XSS }, { namespace: 'xss', tags: [XSS] });
    await page.fill('#keys-pattern', 'xss:*');
    await page.click('#keys-form button');
    const key = page.locator('#keys button.key').first();
    expect(await key.textContent()).toBe(`xss:${XSS}`);
    await key.click();
    await page.waitForSelector('#inspector-value:has-text("onerror")');
    expect(await page.textContent('#inspector-value')).toContain(XSS.replaceAll('"', '\\"'));
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    expect(await page.locator('img').count()).toBe(0);
    await cache.delete(`xss:${XSS}`);
  });

  it('clears by pattern after a confirmation that counts the keys', async () => {
    await cache.set('flash:1', 1, { namespace: 'flash' });
    await cache.set('flash:2', 2, { namespace: 'flash' });
    await page.fill('#keys-pattern', 'flash:*');
    await page.click('#keys-form button');
    await page.waitForSelector('#keys button.key:text-is("flash:1")');
    await page.fill('#clear-pattern', 'flash:*');
    await page.click('#clear-form button');
    await page.waitForSelector('#clear-confirm:not([hidden])');
    expect(await page.textContent('#clear-question')).toBe('2 keys match flash:*. Delete them?');
    expect(await cache.get('flash:1')).toBe(1); // nothing deleted before the confirmation
    await page.click('#clear-yes');
    // whatever the page answers (the count, or an error) is compared, so a failure shows it
    await page.waitForSelector('#clear-result:not(:empty)');
    expect(await page.textContent('#clear-result')).toBe('Deleted 2 keys.');
    await page.waitForSelector('#keys-info:has-text("0 keys")');
    expect(await page.locator('#keys li').count()).toBe(0);
    expect(await cache.get('flash:1')).toBeUndefined();
  });

  it('runs a warmup job and shows its result', async () => {
    warmed.length = 0;
    await page.click('#warm-jobs button[data-job="catalog"]');
    await page.waitForSelector('#warm-result li.ok[data-job="catalog"]');
    expect(await page.textContent('#warm-result')).toMatch(/catalog warmed in [\d.]+ ms, 1 key$/);
    expect(warmed).toEqual(['catalog']);
    expect(await cache.get('catalog:all')).toEqual(['comb', 'brush']);
  });

  it('invalidates by tag', async () => {
    await cache.set('products:tagged', 't', { namespace: 'products', tags: ['sale'] });
    await page.fill('#invalidate-tags', 'sale');
    await page.click('#invalidate-form button');
    await page.waitForSelector('#invalidate-result:has-text("Invalidated")');
    expect(await page.textContent('#invalidate-result')).toBe('Invalidated 1 tag.');
    expect(await cache.get('products:tagged')).toBeUndefined();
  });

  it('looks right (screenshot for people: test-output/dashboard.png)', async () => {
    await waitFor(async () => (await chartPoints()) >= 12, {
      timeoutMs: 40_000,
      intervalMs: 100,
      message: 'the hit-rate chart never had 12 points',
    });
    await d.traffic.stop();
    await page.fill('#keys-pattern', 'products:*');
    await page.click('#keys-form button');
    await page.waitForSelector('#keys-info:has-text("from redis")');
    await page.locator('#keys button.key').first().click();
    await page.waitForSelector('#inspector-facts:has-text("products:")');
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'dashboard.png'), fullPage: true });
    expect(consoleErrors.filter((e) => e.startsWith('uncaught'))).toEqual([]);
  });
});
