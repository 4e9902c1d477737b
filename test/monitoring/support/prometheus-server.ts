// A real Prometheus (Debian's package) for tests: on a free loopback port, its config and
// storage in a temp dir under os.tmpdir() (named in its arguments, for CI's leftover sweep),
// reaped with the test process like the redis-servers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { harnessRoot, track } from '../../support/child-reaper';
import { freePort } from '../../support/probes';
import { waitFor } from '../../support/wait-for';

export interface ScrapeTarget {
  /** host:port */
  address: string;
  metricsPath: string;
  bearerToken: string;
}

export interface QueryResult {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

const OUTPUT_LIMIT = 8_192;

export class PrometheusServer {
  private output = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    private readonly dir: string,
  ) {
    const collect = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  /** Scrapes the target every second and evaluates the rule files every second. */
  static async start(target: ScrapeTarget, ruleFiles: string[]): Promise<PrometheusServer> {
    const dir = mkdtempSync(join(harnessRoot(), 'prometheus-'));
    const port = await freePort();
    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: ruleFiles,
      scrape_configs: [
        {
          job_name: 'cache',
          metrics_path: target.metricsPath,
          authorization: { type: 'Bearer', credentials: target.bearerToken },
          static_configs: [{ targets: [target.address] }],
        },
      ],
    };
    // JSON is YAML: no YAML writer needed
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config, null, 2));
    const child = spawn(
      'prometheus',
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    track(child);
    const server = new PrometheusServer(child, `http://127.0.0.1:${port}`, dir);
    let exited = false;
    child.once('exit', () => (exited = true));
    await waitFor(
      async () => {
        if (exited) throw new Error(`prometheus exited: ${server.output}`);
        return (await fetch(`${server.url}/-/ready`).catch(() => undefined))?.ok ?? false;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: () => `not ready: ${server.output}` },
    );
    return server;
  }

  /** An instant query through the HTTP API. */
  async query(expr: string): Promise<QueryResult> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await res.json()) as QueryResult;
  }

  async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}`);
    return ((await res.json()) as { data: T }).data;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
