import { CliError, EXIT_FAILED, EXIT_OK } from '../admin-client';
import {
  alertsOf,
  namespacesOf,
  routesOf,
  type Alert,
  type HealthReport,
  type KeyReport,
  type KeysPage,
  type NamedCounters,
  type StatsSnapshot,
} from '../api-shapes';
import {
  keyCount,
  bytes,
  colors,
  COUNTER_HEAD,
  counterCells,
  fields,
  ms,
  rate,
  status,
  table,
} from '../format';
import { pageThroughKeys } from '../key-pages';
import { positive } from '../option-parsers';
import type { AddCommand, Context } from '../program';

/** The extra facts of GET /cache/health/detailed that the CLI shows. */
interface DetailedHealth extends HealthReport {
  mode?: string;
  circuit?: { state: string };
  memoryTier?: { entries: number; bytes: number; maxEntries: number } | null;
  keys?: { total?: number; byNamespace?: Record<string, number>; truncated?: boolean };
  recommendations?: string[];
}

export function registerReadCommands(command: AddCommand): void {
  command(
    'health',
    'status, backend, Redis, hit rate (with a token: mode, circuit, key counts, advice); exit 1 unless ok',
    true,
    health,
  );
  command(
    'stats',
    'hits, misses, hit rate and latency: overall, per namespace, per route',
    true,
    stats,
  );
  command(
    'keys [pattern]',
    'list keys under the prefix matching a glob, one SCAN page at a time',
    true,
    keys,
  )
    .option('--cursor <cursor>', 'the cursor a previous page printed', '0')
    .option('--count <n>', 'SCAN COUNT hint per page (1 to 1000)', positive('--count', 1000), 100)
    .option('--all', 'walk every page');
  command(
    'inspect <key>',
    'one entry: tier, TTL, size, namespace, tags, value; exit 1 if absent',
    true,
    inspect,
  );
  command('alerts', 'active and recent alerts; exit 1 while any is active', true, alerts);
}

async function health(ctx: Context): Promise<number> {
  // with a token, the detailed report; GET health itself is public
  const path = ctx.client.hasToken ? '/health/detailed' : '/health';
  const { body } = await ctx.client.request<DetailedHealth>('GET', path, { accept: [503] });
  if (ctx.json) ctx.out(JSON.stringify(body, null, 2));
  else ctx.out(describeHealth(body));
  return body.status === 'ok' ? EXIT_OK : EXIT_FAILED;
}

function describeHealth(h: DetailedHealth): string {
  const lines: [string, string][] = [
    ['status', status(h.status)],
    ['backend', h.backend],
  ];
  if (h.redis) {
    const { version, usedMemory, connectedClients, latencyMs } = h.redis;
    lines.push([
      'redis',
      `${version}, ${bytes(usedMemory)} used, ${connectedClients} clients, ping ${ms(latencyMs)}`,
    ]);
  }
  lines.push(['hit rate', rate(h.hitRate)]);
  if (h.mode) lines.push(['mode', h.mode]);
  if (h.circuit) lines.push(['circuit', status(h.circuit.state)]);
  if (h.memoryTier)
    lines.push(['memory tier', `${h.memoryTier.entries} entries, ${bytes(h.memoryTier.bytes)}`]);
  if (h.keys?.total !== undefined) {
    const perNamespace = Object.entries(h.keys.byNamespace ?? {})
      .map(([ns, n]) => `${ns} ${n}`)
      .join(', ');
    const total = `${h.keys.total}${h.keys.truncated ? '+' : ''}`;
    lines.push(['keys', perNamespace ? `${total} (${perNamespace})` : total]);
  }
  const advice = (h.recommendations ?? []).map((r) => `  - ${r}`);
  return [fields(lines), ...(advice.length ? ['recommendations:', ...advice] : [])].join('\n');
}

async function stats(ctx: Context): Promise<number> {
  const body = await ctx.client.get<StatsSnapshot>('/stats');
  if (ctx.json) {
    ctx.out(JSON.stringify(body, null, 2));
    return EXIT_OK;
  }
  const memory = body.memory
    ? `${body.memory.entries} entries, ${bytes(body.memory.bytes)}`
    : 'off';
  ctx.out(
    fields([
      ['since', body.since],
      ['redis', `${body.redis.status}, circuit ${status(body.redis.circuit)}`],
      ['memory tier', memory],
    ]),
  );
  ctx.out(countersTable('overall', [{ name: 'all', counters: body }]));
  ctx.out(countersTable('namespace', namespacesOf(body)));
  const routes = routesOf(body);
  if (routes) ctx.out(countersTable('route', routes));
  return EXIT_OK;
}

function countersTable(label: string, rows: NamedCounters[]): string {
  if (rows.length === 0) return colors.dim(`no ${label} has been used yet`);
  return table(
    [label, ...COUNTER_HEAD],
    rows.map((r) => [r.name, ...counterCells(r.counters)]),
  );
}

async function keys(
  ctx: Context,
  [pattern = '*']: [string?],
  opts: { cursor: string; count: number; all?: boolean },
): Promise<number> {
  if (opts.all) {
    // keys are kept only for --json; a terminal gets them page by page
    const all: string[] = [];
    let count = 0;
    let source: KeysPage['source'] = 'redis';
    for await (const page of pageThroughKeys(ctx.client, pattern, opts.count)) {
      source = page.source;
      count += page.keys.length;
      if (ctx.json) all.push(...page.keys);
      else page.keys.forEach((key) => ctx.out(key));
    }
    // the documented shape of --all --json: every key, as one page that is the last
    if (ctx.json) ctx.out(JSON.stringify({ keys: all, cursor: '0', source }, null, 2));
    else ctx.err(colors.dim(keyCount(count)));
    return EXIT_OK;
  }
  const page = await ctx.client.get<KeysPage>('/keys', {
    pattern,
    cursor: opts.cursor,
    count: opts.count,
  });
  if (ctx.json) {
    ctx.out(JSON.stringify(page, null, 2));
    return EXIT_OK;
  }
  page.keys.forEach((key) => ctx.out(key));
  // on stderr, so that `nest-cache keys | ...` gets keys only
  ctx.err(
    colors.dim(
      page.cursor === '0'
        ? `${keyCount(page.keys.length)}, last page`
        : `${keyCount(page.keys.length)}; next page: --cursor ${page.cursor}`,
    ),
  );
  return EXIT_OK;
}

async function inspect(ctx: Context, [key]: [string]): Promise<number> {
  const report = await ctx.client.get<KeyReport>(`/debug/key/${encodeURIComponent(key)}`);
  if (ctx.json) ctx.out(JSON.stringify(report, null, 2));
  else if (!report.exists) ctx.err(`${key}: not in the cache`);
  else ctx.out(describeKey(report));
  return report.exists ? EXIT_OK : EXIT_FAILED;
}

function describeKey(r: KeyReport): string {
  const lines: [string, string | number][] = [
    ['key', r.key],
    ['tier', r.tier ?? '-'],
    ['ttl', r.ttlRemaining === null ? '-' : `${r.ttlRemaining} s${r.stale ? ' (stale)' : ''}`],
    ['size', r.sizeBytes === null ? '-' : bytes(r.sizeBytes)],
    ['namespace', r.namespace ?? '-'],
    ['tags', r.tags.length ? r.tags.join(', ') : '-'],
  ];
  if (r.createdAt) lines.push(['created', r.createdAt]);
  if (r.redis) lines.push(['redis', r.redis]);
  const value = r.valueOmitted
    ? colors.dim(`(value omitted: ${r.valueOmitted})`)
    : JSON.stringify(r.value, null, 2);
  return `${fields(lines)}\n${colors.dim('value')}\n${value}`;
}

async function alerts(ctx: Context): Promise<number> {
  const body = await fetchAlerts(ctx);
  if (ctx.json) ctx.out(JSON.stringify(body, null, 2));
  else {
    const { active, recent } = alertsOf(body);
    ctx.out(active.length ? alertTable('active', active) : colors.green('no active alerts'));
    if (recent.length) ctx.out(alertTable('recent', recent));
  }
  return alertsOf(body).active.length ? EXIT_FAILED : EXIT_OK;
}

/** GET /cache/alerts, or a one-line "not available" from servers without it. */
export async function fetchAlerts(ctx: Context): Promise<unknown> {
  try {
    return await ctx.client.get<unknown>('/alerts');
  } catch (err) {
    if (err instanceof CliError && err.status === 404)
      throw new CliError('alerts are not available on this server', EXIT_FAILED, 404);
    throw err;
  }
}

function alertTable(label: string, list: Alert[]): string {
  return table(
    [label, 'severity', 'since', 'message'],
    list.map((a) => [a.name, a.severity, a.since, a.message]),
    Infinity,
  );
}
