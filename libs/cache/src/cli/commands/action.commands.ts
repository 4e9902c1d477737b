import { createInterface } from 'node:readline';
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from '../admin-client';
import type { InvalidationResult, WarmupJobResult, WarmupResult } from '../api-shapes';
import { colors, fields, keyCount, ms } from '../format';
import { countKeys } from '../key-pages';
import { collect } from '../option-parsers';
import type { AddCommand, Context } from '../program';

/** clear counts matching keys before asking; past this many it says "more than". */
const COUNT_LIMIT = 100_000;

export function registerActionCommands(command: AddCommand): void {
  command(
    'clear [pattern]',
    'delete the keys matching a glob (all under the prefix when absent); asks first',
    true,
    clear,
  ).option('-y, --yes', 'do not ask (needed when not on a terminal)');
  command(
    'invalidate',
    'invalidate tags, namespaces, keys or globs, on every instance',
    true,
    invalidate,
  )
    .option('--tag <tag>', 'a tag (repeatable)', collect)
    .option('--namespace <ns>', 'a namespace (repeatable)', collect)
    .option('--key <key>', 'a key (repeatable)', collect)
    .option('--pattern <glob>', 'a glob over keys (repeatable)', collect);
  command(
    'warm [jobs...]',
    'run every warmup job, or the named ones, showing each result',
    true,
    warm,
  );
}

async function clear(ctx: Context, [pattern]: [string?], opts: { yes?: boolean }): Promise<number> {
  if (!opts.yes) {
    if (!process.stdin.isTTY)
      throw new CliError(
        'clear asks before deleting: run it on a terminal, or pass --yes',
        EXIT_USAGE,
      );
    const glob = pattern ?? '*';
    const { count, capped } = await countKeys(ctx.client, glob, COUNT_LIMIT);
    const what = `${capped ? 'more than ' : ''}${keyCount(count)}`;
    const verb = count === 1 && !capped ? 'matches' : 'match';
    if (!(await confirm(`${what} ${verb} "${glob}". Delete them? [y/N] `))) {
      ctx.err('nothing deleted');
      return EXIT_FAILED;
    }
  }
  const result = await ctx.client.delete<{ deleted: number }>('/clear', { pattern });
  ctx.out(ctx.json ? JSON.stringify(result, null, 2) : `deleted ${keyCount(result.deleted)}`);
  return EXIT_OK;
}

/** y/N on the terminal; anything but y or yes, or Ctrl-C / Ctrl-D, is no. */
function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    rl.on('close', () => resolve(false));
    rl.question(question, (answer) => {
      resolve(/^y(es)?$/i.test(answer.trim()));
      rl.close();
    });
  });
}

async function invalidate(
  ctx: Context,
  _args: [],
  opts: { tag?: string[]; namespace?: string[]; key?: string[]; pattern?: string[] },
): Promise<number> {
  const body = {
    tags: opts.tag,
    namespaces: opts.namespace,
    keys: opts.key,
    patterns: opts.pattern,
  };
  if (!Object.values(body).some((list) => list?.length))
    throw new CliError('name at least one --tag, --namespace, --key or --pattern', EXIT_USAGE);
  const result = await ctx.client.post<InvalidationResult>('/invalidate', body);
  if (ctx.json) ctx.out(JSON.stringify(result, null, 2));
  else
    ctx.out(
      `invalidated: ${Object.entries(result)
        .map(([kind, n]) => `${kind} ${n}`)
        .join(', ')}`,
    );
  return EXIT_OK;
}

/**
 * One job per request, so each result shows as it comes: the job list comes from GET warm.
 * Servers without it run everything in one request, reported at the end.
 */
async function warm(ctx: Context, [names]: [string[]]): Promise<number> {
  const known = await jobNames(ctx);
  const unknown = known ? names.filter((name) => !known.includes(name)) : [];
  if (unknown.length)
    throw new CliError(
      `unknown warmup job ${unknown.join(', ')}; jobs: ${known?.join(', ') || 'none'}`,
      EXIT_USAGE,
    );
  const started = performance.now();
  const jobs = names.length ? names : known;
  let report: WarmupResult;
  if (!jobs) {
    ctx.err(colors.dim('warming every job...'));
    report = await ctx.client.post<WarmupResult>('/warm', {});
    report.jobs.forEach((job, i) => !ctx.json && ctx.out(jobLine(job, i, report.jobs.length)));
  } else {
    const results: WarmupJobResult[] = [];
    for (const [i, name] of jobs.entries()) {
      if (process.stderr.isTTY)
        process.stderr.write(colors.dim(`[${i + 1}/${jobs.length}] ${name}...\r`));
      const [result] = (await ctx.client.post<WarmupResult>('/warm', { jobs: [name] })).jobs;
      if (process.stderr.isTTY) process.stderr.write('\x1b[2K');
      if (!ctx.json) ctx.out(jobLine(result, i, jobs.length));
      results.push(result);
    }
    const failed = results.filter((r) => !r.ok).length;
    report = {
      warmed: results.length - failed,
      failed,
      durationMs: Math.round(performance.now() - started),
      jobs: results,
    };
  }
  if (ctx.json) ctx.out(JSON.stringify(report, null, 2));
  else
    ctx.out(
      fields([
        ['warmed', report.warmed],
        ['failed', report.failed ? colors.red(String(report.failed)) : 0],
        ['took', ms(report.durationMs)],
      ]),
    );
  return report.failed ? EXIT_FAILED : EXIT_OK;
}

/** The server's job names, or undefined when it cannot list them (no GET warm). */
async function jobNames(ctx: Context): Promise<string[] | undefined> {
  try {
    const { jobs } = await ctx.client.get<{ jobs: { name: string }[] }>('/warm');
    return jobs.map((job) => job.name);
  } catch (err) {
    if (err instanceof CliError && err.status === 404) return undefined;
    throw err;
  }
}

function jobLine(job: WarmupJobResult, i: number, of: number): string {
  const outcome = job.ok ? colors.green('ok') : colors.red('failed');
  const warmed = job.keys === undefined ? '' : `, ${keyCount(job.keys)}`;
  const error = job.error ? `: ${job.error}` : '';
  return `[${i + 1}/${of}] ${job.name} ${outcome} (${ms(job.durationMs)}${warmed})${error}`;
}
