import { waitFor } from '../support/wait-for';
import { startDashboardApp, TOKEN, XSS, type DashboardApp } from './support/dashboard-app';

jest.setTimeout(60_000);

describe('dashboard with the monitoring contract (alerts, per-route stats)', () => {
  let d: DashboardApp;

  beforeAll(async () => {
    d = await startDashboardApp();
    d.traffic.start();
  });

  afterAll(async () => {
    await d?.close();
  });

  it('shows alerts, the target and per-route figures when the server reports them', async () => {
    // This branch's server has no per-route stats nor alerts yet (the monitoring module adds
    // them): the real answers are extended with fields of that contract on their way to the page.
    const route = `GET /products/:id ${XSS}`; // route names are users' data too
    const tab = await d.browser.context.newPage();
    const uncaught: string[] = [];
    tab.on('pageerror', (err) => uncaught.push(err.message));
    const alert = {
      alert: 'hit-rate-low',
      value: 0.42,
      threshold: 0.8,
      message: 'hit rate 42 % is under the 80 % target',
      raisedAt: new Date().toISOString(),
    };
    await tab.route('**/cache/alerts', (r) => r.fulfill({ json: { active: [alert], recent: [] } }));
    const extend = (path: string, add: (body: Record<string, unknown>) => void) =>
      tab.route(`**/cache/${path}`, async (r) => {
        const response = await r.fetch();
        const body = (await response.json()) as Record<string, unknown>;
        add(body);
        await r.fulfill({ response, json: body });
      });
    await extend('stats', (body) => {
      const namespaces = body.namespaces as Record<string, unknown>;
      body.routes = { [route]: namespaces.products };
    });
    await extend('performance', (body) => {
      const ranked = [{ name: route, hitRate: 0.9, lookups: 100 }];
      Object.assign(body, {
        hitRateTarget: 0.8,
        speedUp: 12.5,
        topRoutes: ranked,
        bottomRoutes: ranked,
      });
    });
    try {
      await d.signIn(tab, TOKEN);
      await tab.waitForSelector('#alerts li.alert:has-text("hit-rate-low")');
      expect(await tab.textContent('#alerts')).toContain(alert.message);
      expect(await tab.textContent('#figures')).toContain('target 80.0 %');
      expect(await tab.textContent('#figures')).toContain('12.5×');
      await tab.locator('#routes td', { hasText: route }).first().waitFor();
      await waitFor(
        async () => Number(await tab.getAttribute('#chart-routes', 'data-points')) >= 1,
        {
          timeoutMs: 20_000,
          intervalMs: 100,
          message: 'the per-route chart never had a point',
        },
      );
      expect(await tab.locator('#chart-routes .u-legend').textContent()).toContain(route);
      expect(await tab.evaluate('window.__xss')).toBeUndefined();
      expect(await tab.locator('img').count()).toBe(0);
      expect(uncaught).toEqual([]);
    } finally {
      await tab.close();
    }
  });
});
