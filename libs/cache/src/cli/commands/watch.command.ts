import { setTimeout as sleep } from 'node:timers/promises';
import { CliError, EXIT_OK, EXIT_USAGE } from '../admin-client';
import {
  alertsOf,
  namespacesOf,
  requests,
  routesOf,
  type Alerts,
  type CounterSnapshot,
  type HealthReport,
  type NamedCounters,
  type StatsSnapshot,
} from '../api-shapes';
import { bytes, colors, latency, ms, rate, status, table } from '../format';
import { positive } from '../option-parsers';
import type { AddCommand, Context } from '../program';
import { TerminalScreen } from '../terminal-screen';
import { fetchAlerts } from './read.commands';

const TOP_ROWS = 8;

export function registerWatchCommand(command: AddCommand): void {
  command(
    'watch',
    'live monitor: hit rate, requests/s, hit and miss latency, top routes, alerts (q quits)',
    false,
    watch,
  ).option('--interval <seconds>', 'refresh period', positive('--interval', 3600), 2);
}

/** One reading of the server, and when it was taken (rates come from two of them). */
interface Sample {
  at: number;
  stats: StatsSnapshot;
  health?: HealthReport;
  /** undefined: the server has no GET alerts */
  alerts?: Alerts;
}

async function watch(ctx: Context, _args: [], opts: { interval: number }): Promise<number> {
  if (!TerminalScreen.available())
    throw new CliError('watch needs a terminal; scripts can poll `stats --json`', EXIT_USAGE);
  let quit!: () => void;
  const quitting = new Promise<'quit'>((resolve) => (quit = () => resolve('quit')));
  const screen = new TerminalScreen(quit);
  screen.enter();
  try {
    let previous: Sample | undefined;
    let alertsAvailable = true;
    for (;;) {
      try {
        const sample: Sample | 'quit' = await Promise.race([read(ctx, alertsAvailable), quitting]);
        if (sample === 'quit') break;
        alertsAvailable = sample.alerts !== undefined;
        screen.draw(frame(ctx, opts.interval, sample, previous));
        previous = sample;
      } catch (err) {
        // a refused token will not get better: leave; anything else may (the app restarts)
        if (!(err instanceof CliError) || err.exitCode === EXIT_USAGE) throw err;
        screen.draw([header(ctx, opts.interval), '', colors.red(`${err.message}; retrying`)]);
      }
      if ((await Promise.race([sleep(opts.interval * 1000), quitting])) === 'quit') break;
    }
  } finally {
    screen.close();
  }
  return EXIT_OK;
}

async function read(ctx: Context, withAlerts: boolean): Promise<Sample> {
  const [stats, health, alerts] = await Promise.all([
    ctx.client.get<StatsSnapshot>('/stats'),
    ctx.client
      .request<HealthReport>('GET', '/health', { accept: [503] })
      .then((answer) => answer.body),
    withAlerts ? fetchAlerts(ctx).then(alertsOf, notAvailable) : undefined,
  ]);
  return { at: Date.now(), stats, health, alerts };
}

function notAvailable(err: unknown): undefined {
  if (err instanceof CliError && err.status === 404) return undefined;
  throw err;
}

function frame(ctx: Context, interval: number, now: Sample, before?: Sample): string[] {
  const { stats, health } = now;
  const seconds = before ? (now.at - before.at) / 1000 : 0;
  const perSecond = (c: CounterSnapshot, p?: CounterSnapshot) =>
    p && seconds > 0 ? Math.max(0, requests(c) - requests(p)) / seconds : undefined;
  const recent = before && windowRate(stats, before.stats);
  const memory = stats.memory
    ? `${stats.memory.entries} entries, ${bytes(stats.memory.bytes)}`
    : 'off';
  const lines = [
    header(ctx, interval),
    [
      `status ${health ? status(health.status) : '?'}`,
      `backend ${health?.backend ?? '?'}`,
      `circuit ${status(stats.redis.circuit)}`,
      `memory tier ${memory}`,
    ].join(colors.dim(' · ')),
    '',
    `hit rate     ${rate(stats.hitRate)} overall` +
      (recent === undefined ? '' : `, ${rate(recent)} over the last ${seconds.toFixed(1)} s`),
    `requests/s   ${rps(perSecond(stats, before?.stats))}  ` +
      colors.dim(`(${stats.hits} hits, ${stats.staleHits} stale, ${stats.misses} misses in total)`),
    `hit latency  ${percentiles(stats.latencyMs.hit)}`,
    `miss latency ${percentiles(stats.latencyMs.miss)}`,
    `errors       ${stats.errors ? colors.red(String(stats.errors)) : 0}`,
    '',
  ];
  const routes = routesOf(stats);
  const label = routes ? 'top routes' : 'top namespaces';
  const rows = (routes ?? namespacesOf(stats)).slice(0, TOP_ROWS);
  const previousRows = before && new Map(rowsOf(before.stats).map((r) => [r.name, r.counters]));
  lines.push(
    ...table(
      [label, 'req/s', 'hit rate', 'hit p50', 'miss p50', 'requests'],
      rows.map(({ name, counters: c }) => [
        name,
        rps(perSecond(c, previousRows?.get(name))),
        rate(c.hitRate),
        latency(c.latencyMs.hit, 'p50'),
        latency(c.latencyMs.miss, 'p50'),
        requests(c),
      ]),
    ).split('\n'),
    '',
    ...alertLines(now.alerts),
  );
  return lines;
}

function header(ctx: Context, interval: number): string {
  const time = new Date().toISOString().slice(11, 19);
  return `${colors.bold('nest-cache watch')}  ${ctx.client.base}  every ${interval} s  ${time}  ${colors.dim('q to quit')}`;
}

function rowsOf(stats: StatsSnapshot): NamedCounters[] {
  return routesOf(stats) ?? namespacesOf(stats);
}

/** The hit rate between two readings; undefined when nothing was served in between. */
function windowRate(now: CounterSnapshot, before: CounterSnapshot): number | undefined {
  const served = requests(now) - requests(before);
  if (served <= 0) return undefined;
  return (now.hits + now.staleHits - before.hits - before.staleHits) / served;
}

function rps(value: number | undefined): string {
  return value === undefined ? colors.dim('...') : value.toFixed(1);
}

function percentiles(p: CounterSnapshot['latencyMs']['hit']): string {
  if (p.samples === 0) return colors.dim('no samples yet');
  return `p50 ${ms(p.p50)}  p95 ${ms(p.p95)}  p99 ${ms(p.p99)}  max ${ms(p.max)}`;
}

function alertLines(alerts: Alerts | undefined): string[] {
  if (!alerts) return [colors.dim('alerts: not available on this server')];
  if (alerts.active.length === 0) return [`alerts: ${colors.green('none active')}`];
  return [
    colors.red(`alerts: ${alerts.active.length} active`),
    ...alerts.active.map((a) => `  ${colors.red(a.severity)} ${a.name}: ${a.message}`),
  ];
}
