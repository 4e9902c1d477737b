// The dashboard: asks for the admin token once per tab, then polls the admin API every few
// seconds and keeps the series for the charts in the page.

import { loadJobs, wireActions } from './actions.js';
import { ApiError, get, token } from './api.js';
import { TimeChart } from './charts.js';
import { $ } from './dom.js';
import { search, wireKeys } from './keys.js';
import {
  intervalRate,
  lookups,
  renderAlerts,
  renderFigures,
  renderHealth,
  renderNamespaces,
  renderRoutes,
  routesOf,
} from './panels.js';

const POLL_MS = 2_000;
const rateFormat = (v) => `${Math.round(v * 100)} %`;
const msFormat = (v) => `${+v.toFixed(2)} ms`;

let charts;
let previous;
let timer;

function showLogin(message) {
  clearTimeout(timer);
  token.clear();
  $('app').hidden = true;
  $('sign-out').hidden = true;
  $('login').hidden = false;
  $('status').className = 'pill';
  $('status').textContent = 'signed out';
  $('login-error').textContent = message ?? '';
  $('token').focus();
}

/** Auth errors send the user back to the token form; anything else shows in a banner. */
function onError(err) {
  if (err instanceof ApiError && err.auth) return showLogin(err.message);
  $('app-error').hidden = false;
  $('app-error').textContent = err.message;
}

async function poll() {
  const [stats, detailed, performance, alerts] = await Promise.all([
    get('/stats'),
    get('/health/detailed'),
    get('/performance', { optional: true }),
    get('/alerts', { optional: true }),
  ]);
  $('app-error').hidden = true;
  const now = Date.now() / 1000;
  const routes = routesOf(stats, performance);
  const before = previous;
  previous = { at: now, stats, routes: new Map(routes.map((r) => [r.route, r])) };
  const rate = intervalRate(stats, before?.stats);
  const perSecond = before ? (lookups(stats) - lookups(before.stats)) / (now - before.at) : null;

  renderFigures({ stats, detailed, performance, rate, perSecond });
  renderHealth(detailed, stats);
  renderAlerts(alerts);
  renderNamespaces(stats, detailed);
  renderRoutes(routes, performance);
  $('updated').textContent = `updated ${new Date().toLocaleTimeString()}`;

  const perNamespace = Object.entries(stats.namespaces ?? {}).map(([name, c]) => [
    name,
    intervalRate(c, before?.stats.namespaces?.[name]),
  ]);
  charts.hitRate.add(now, { overall: rate, ...Object.fromEntries(perNamespace) });
  charts.routes.add(
    now,
    Object.fromEntries(routes.map((r) => [r.route, intervalRate(r, before?.routes.get(r.route))])),
  );
  const latency = stats.latencyMs ?? {};
  charts.latency.add(now, {
    'hit p50': latency.hit?.samples ? latency.hit.p50 : null,
    'miss p50': latency.miss?.samples ? latency.miss.p50 : null,
    'miss p95': latency.miss?.samples ? latency.miss.p95 : null,
  });
}

async function loop() {
  try {
    // a tab in the background costs the server nothing; its chart resumes when shown again
    if (!document.hidden) await poll();
  } catch (err) {
    onError(err);
    if (err instanceof ApiError && err.auth) return;
  }
  timer = setTimeout(loop, POLL_MS);
}

async function open() {
  // one call first, so that a wrong token is reported on the form it was typed in
  await get('/stats');
  $('login').hidden = true;
  $('app').hidden = false;
  $('sign-out').hidden = false;
  charts ??= {
    hitRate: new TimeChart($('chart-hit-rate'), { format: rateFormat, range: [0, 1] }),
    latency: new TimeChart($('chart-latency'), { format: msFormat }),
    routes: new TimeChart($('chart-routes'), { format: rateFormat, range: [0, 1] }),
  };
  await loop();
  await Promise.all([search(), loadJobs()]).catch(onError);
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token.set($('token').value);
  $('token').value = '';
  $('login-error').textContent = '';
  open().catch((err) => showLogin(err.message));
});
$('sign-out').addEventListener('click', () => showLogin());
wireKeys(onError);
wireActions();

if (token.get()) open().catch((err) => showLogin(err.message));
else showLogin();
