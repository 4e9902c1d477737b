// Keeps `npm run bench:peers` from rotting: runs every workload at BENCH_SCALE=small, as a child
// process the way the script runs it, on the library's source (BENCH_OURS=source) so that
// `npm test` needs no build, and checks that each workload produced figures that make sense.
// It checks nothing about speed: performance lives in the benchmark, never in a test.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PeerRow } from '../../bench/peers/figures';

const ROOT = join(__dirname, '..', '..');
const OURS = 'nest-tiered (ours)';
const PEERS = ['cache-manager 7 + Keyv', 'bentocache', 'async-cache-dedupe'];

describe('bench:peers at a small size', () => {
  let rows: PeerRow[];
  let stdout: string;
  const dir = mkdtempSync(join(tmpdir(), 'bench-peers-'));

  beforeAll(async () => {
    const json = join(dir, 'rows.json');
    stdout = await run(json);
    rows = JSON.parse(readFileSync(json, 'utf8')) as PeerRow[];
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints one table', () => {
    expect(stdout).toContain(
      '| workload | library | figure (median ±spread) | runs | × floor | × ours |',
    );
    expect(stdout.split('\n').filter((l) => l.startsWith('| ')).length).toBe(rows.length + 2);
  });

  it('gives every figure as finite, non-negative samples', () => {
    for (const row of rows) {
      for (const f of [row.figure, row.floor].filter((x) => x !== undefined)) {
        expect(f.samples.length).toBeGreaterThan(0);
        for (const sample of f.samples) {
          expect({ row: `${row.workload} / ${row.library}`, sample }).toEqual({
            row: `${row.workload} / ${row.library}`,
            sample: expect.any(Number),
          });
          expect(Number.isFinite(sample) && sample >= 0).toBe(true);
        }
      }
    }
  });

  it.each([
    ['memory-tier hit', [OURS, ...PEERS]],
    ['cached method hit', [OURS, 'async-cache-dedupe']],
    ['redis-tier hit, no memory tier', [OURS, ...PEERS]],
    ['64 in flight, one hot key (Redis tier)', [OURS, ...PEERS]],
    ['zipf mix: throughput', [OURS, ...PEERS]],
    ['zipf mix: read p99', [OURS, ...PEERS]],
    ['zipf mix: hit ratio', [OURS, ...PEERS]],
    ['stampede, 50 callers, 1 instance', [OURS, ...PEERS]],
    ['stampede, 50 callers, 3 instances', [OURS, ...PEERS]],
    ['stampede right after an invalidation, 3 instances', [OURS, ...PEERS]],
    ['callers served the old value after an invalidation, 3 instances', [OURS, ...PEERS]],
    ['coherence: B stops serving a key A deleted, p50', [OURS, 'bentocache']],
    ['coherence: B stops serving a key A deleted, p99', [OURS, 'bentocache']],
    [
      'tag invalidation, 100 entries, 1000 other keys: time',
      [OURS, 'bentocache', 'async-cache-dedupe'],
    ],
    ['tag invalidation, 100 entries, 1000 other keys: GET probe p99', [OURS, 'bentocache']],
    ['HTTP GET, 4 connections', [OURS, '@nestjs/cache-manager', 'no cache']],
  ])('%s: a row for each of %p', (workload, libraries) => {
    const here = rows.filter((r) => r.workload === workload);
    expect(here.map((r) => r.library)).toEqual(expect.arrayContaining(libraries));
  });

  it('counts loader calls in every stampede: at least one, at most one per caller', () => {
    const stampedes = rows.filter((r) => r.figure.unit === 'loader calls');
    expect(stampedes.length).toBe(3 * (1 + PEERS.length));
    for (const row of stampedes) {
      for (const calls of row.figure.samples) {
        expect(calls).toBeGreaterThanOrEqual(1);
        expect(calls).toBeLessThanOrEqual(50);
      }
    }
    // one process, one key: every library runs the loader once
    for (const row of stampedes.filter((r) => r.workload.endsWith('1 instance'))) {
      expect({ library: row.library, calls: row.figure.samples }).toEqual({
        library: row.library,
        calls: row.figure.samples.map(() => 1),
      });
    }
  });

  it('compares each library with the floor of its workload', () => {
    const withFloor = rows.filter((r) => r.floor);
    expect(withFloor.length).toBeGreaterThan(0);
    for (const row of withFloor) expect(row.floor?.unit).toBe(row.figure.unit);
  });
});

/** Runs the benchmark as `npm run bench:peers` does, minus the build; resolves to its stdout. */
function run(json: string): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'bench/peers/index.ts',
    ],
    {
      cwd: ROOT,
      env: { ...process.env, BENCH_SCALE: 'small', BENCH_OURS: 'source', BENCH_JSON: json },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`bench:peers exited with ${code ?? signal}\n${stderr.slice(-4000)}`));
    });
  });
}
