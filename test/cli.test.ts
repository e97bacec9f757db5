import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { aRegistration } from './support/builders.ts';
import { renderRunTable, writeReports, writeRunReport } from '../src/report/index.ts';
import { aCompare, aRun } from '../src/report/test-builders.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A real `interplay` process; output is collected as it comes. */
function interplay(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
): { child: ChildProcess; output: { stdout: string; stderr: string }; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1', ...env } });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, ...output }));
  });
  return { child, output, exited };
}

const run = (args: readonly string[], env?: Readonly<Record<string, string>>) => interplay(args, env).exited;

/** Polls `probe` until it returns something, or fails after `timeoutMs`. */
async function eventually<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Direct children of a process, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so read after the last ')'.
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** running, and not a zombie waiting to be reaped */
function isAlive(pid: number): boolean {
  try {
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

describe('bin/interplay', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('--help prints the commands and exits 0', async () => {
    const exit = await run(['--help']);

    expect(exit.code).toBe(0);
    expect(exit.stdout).toMatch(/Usage: interplay/);
    expect(exit.stdout).toMatch(/\bup\b/);
    expect(exit.stdout).toMatch(/\bscenario\b/);
  });

  it('bare interplay prints the help on stderr and exits 2', async () => {
    const exit = await run([]);

    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toMatch(/Usage: interplay/);
    expect(exit.stderr).toMatch(/\bbench\b/);
  });

  it.each([
    [['up', '--style', 'bogus'], /--style/, 'up'],
    [['up', '--port', '99999'], /--port/, 'up'],
    [['scenario', '--base-url', 'ftp://x'], /--base-url/, 'scenario'],
    [['bench', '--duration', '20'], /--duration/, 'bench'],
    [['bench', '--rate', '0'], /--rate/, 'bench'],
    [['compare', '--styles', 'rest,soap'], /--styles/, 'compare'],
    [['compare', '--insufficient', '1.5'], /--insufficient/, 'compare'],
    [['outage', '--services', 'billing,payments'], /--services.*"payments" is not a component/, 'outage'],
    [['chaos', '--kills', '-1'], /--kills/, 'chaos'],
    [['chaos', '--kills', '2.5'], /--kills/, 'chaos'],
  ])('%j exits 2 with one "interplay:" line naming the option and a --help hint, and starts nothing', async (args, option, command) => {
    const exit = await run(args);

    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    const lines = exit.stderr.trimEnd().split('\n');
    expect(lines, exit.stderr).toHaveLength(2);
    expect(lines[0]).toMatch(/^interplay: /);
    expect(lines[0]).toMatch(option);
    expect(lines[1]).toBe(`(interplay ${command} --help lists its options)`);
  });

  it('an unknown command exits 2 with one "interplay:" line and a hint', async () => {
    const exit = await run(['benchmark']);

    expect(exit.code).toBe(2);
    expect(exit.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^interplay: unknown command 'benchmark'/), '(interplay --help lists the commands)']);
  });

  it.each([
    [['chaos', '--topology', 'inproc'], 'interplay: chaos needs --topology processes: in one process, one service cannot die alone'],
    [['outage', '--down', '0s'], 'interplay: --down must be longer than zero'],
    [['outage', '--down', '30s', '--duration', '20s'], 'interplay: --down (30000 ms) must fit in the measured window, --duration (20000 ms)'],
  ])('%j exits 2 with that one line before starting anything', async (args, line) => {
    const exit = await run(args);

    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr.trimEnd().split('\n')).toEqual([line]);
  });

  it('["bench","--find-max","--connections","4"] exits 2 with one line on stderr before starting anything', async () => {
    const exit = await run(['bench', '--find-max', '--connections', '4']);

    expect(exit.code).toBe(2);
    expect(exit.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(/^interplay: --find-max/)]);
  });

  it('bench --help promises only the files bench writes, and shows the --styles default of compare as a list', async () => {
    const bench = await run(['bench', '--help']);
    const compare = await run(['compare', '--help']);

    expect(bench.code).toBe(0);
    expect(bench.stdout.replace(/\s+/g, ' ')).toContain('bench writes run.json and summary.md;');
    expect(compare.stdout.replace(/\s+/g, ' ')).toContain('(default: rest,notification,collaboration)');
  });

  it('bench --json prints the run@1 result on stdout, progress on stderr, and writes run.json and summary.md', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-bench-'));
    dirs.push(dir);
    const exit = await run(['bench', '--style', 'rest', '--rate', '20', '--duration', '2s', '--warmup', '0s', '--drain', '5s', '--users', '2', '--out', dir, '--json']);

    expect(exit.code, exit.stderr).toBe(0);
    const result = JSON.parse(exit.stdout);
    expect(result).toMatchObject({ schema: 'interplay/run@1', style: 'rest', config: { rate: 20, users: 2 } });
    expect(result.orders.placed).toBeGreaterThan(30);
    expect(result.orders.paid + result.orders.rejected).toBe(result.orders.placed);
    expect(exit.stderr).toMatch(/rest: (load|measure)/);
    const saved = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(saved.orders).toEqual(result.orders);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toMatch(/\| rest \|/);
  });

  it('an event style without a nats-server exits 2 with one line that says how to get one', async () => {
    const exit = await run(['scenario', '--style', 'notification'], { NATS_SERVER_BIN: '/nonexistent/nats-server', NATS_URL: '' });

    expect(exit.code).toBe(2);
    const lines = exit.stderr.trimEnd().split('\n');
    expect(lines, exit.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/nats-server was not found.*apt-get install nats-server.*brew install nats-server.*--nats/);
  });

  it('bench exits 1 when sends were dropped, after printing and saving everything, and the last stderr line says why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-bench-'));
    dirs.push(dir);
    // One request in flight at 1000/s: most sends are due while the last is still open, so they are dropped.
    const exit = await run(['bench', '--rate', '1000', '--max-inflight', '1', '--duration', '1s', '--warmup', '0s', '--drain', '5s', '--users', '2', '--out', dir]);

    expect(exit.code, exit.stderr).toBe(1);
    expect(exit.stdout).toMatch(/^ rest +│/m);
    expect(exit.stdout).toContain(`reports written to ${dir}`);
    expect(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).orders.dropped).toBeGreaterThan(0);
    expect(exit.stderr.trimEnd().split('\n').at(-1)).toMatch(/^interplay: not every order finished: rest .*\d+ dropped/);
    for (const line of exit.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('report DIR of a bench renders the run itself: its table, its JSON and exactly the summary.md bench wrote', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-report-'));
    dirs.push(dir);
    const saved = aRun({ style: 'notification', orders: { pending: 4 }, errors: { unfinished: 4 } });
    await writeRunReport(dir, saved);

    const table = await run(['report', dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toBe(renderRunTable(saved));
    expect(table.stdout).not.toContain('vs rest');
    for (const line of table.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const json = await run(['report', dir, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toEqual(saved);
    const markdown = await run(['report', dir, '--format', 'md']);
    expect(markdown.stdout).toBe(readFileSync(join(dir, 'summary.md'), 'utf8'));
  });

  it('report colours only when asked: never with NO_COLOR=1, with FORCE_COLOR=1 unless --no-color', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-report-'));
    dirs.push(dir);
    await writeRunReport(dir, aRun());

    const noColor = await run(['report', dir], { NO_COLOR: '1' });
    expect(noColor.stdout).not.toContain('\x1b');
    const forced = await run(['report', dir], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\x1b[1m');
    const flag = await run(['--no-color', 'report', dir], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stdout).not.toContain('\x1b');
    const flagAfter = await run(['report', dir, '--no-color'], { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(flagAfter.stdout).toBe(flag.stdout);
  });

  it('report DIR renders saved reports again; a missing directory exits 2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-report-'));
    dirs.push(dir);
    await writeReports(dir, aCompare([aRun({ style: 'rest' }), aRun({ style: 'collaboration' })]));

    const table = await run(['report', dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ *rest *│/m);
    expect(table.stdout).toMatch(/^ *collaboration *│/m);
    const markdown = await run(['report', dir, '--format', 'markdown']);
    expect(markdown.stdout).toBe(readFileSync(join(dir, 'summary.md'), 'utf8'));
    const missing = await run(['report', join(dir, 'nothing-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('report DIR of a damaged run.json exits 2 with one line naming the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-report-'));
    dirs.push(dir);
    await writeFile(join(dir, 'run.json'), JSON.stringify(aRun({ latency: { completion: { p99: '12 ms' as unknown as number } } })));

    const damaged = await run(['report', dir]);
    expect(damaged.code).toBe(2);
    expect(damaged.stdout).toBe('');
    expect(damaged.stderr).toBe(`interplay: ${join(dir, 'run.json')} is not a valid interplay/run@1 report: latency.completion.p99 is not a number.\n`);
  });

  it('scenario --style rest exits 0 and prints ten ✓ steps', async () => {
    const exit = await run(['scenario', '--style', 'rest']);

    expect(exit.code, exit.stderr).toBe(0);
    const passed = exit.stdout.split('\n').filter((line) => /^\s+✓ /.test(line));
    expect(passed, exit.stdout).toHaveLength(10);
    expect(exit.stdout).not.toContain('✗');
    expect(exit.stdout).toMatch(/10 passed, 0 failed/);
  });

  it('up --port 0 --data DIR serves the API; on SIGTERM it exits 0, leaves no process behind, and the four databases stay readable', async () => {
    const data = await mkdtemp(join(tmpdir(), 'interplay-cli-'));
    dirs.push(data);
    // info, so the services log something: it must go to stderr, leaving stdout to what a script reads.
    const up = interplay(['up', '--port', '0', '--data', data, '--log-level', 'info']);
    let code: number | null = null;
    try {
      const url = await eventually('the ready line', 30_000, () => /^ready (http:\/\/127\.0\.0\.1:\d+)$/m.exec(up.output.stdout)?.[1]);

      const health = await fetch(`${url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', style: 'rest' });
      const registration = aRegistration();
      const registered = await fetch(`${url}/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(registration),
      });
      expect(registered.status).toBe(201);
      const children = childrenOf(up.child.pid ?? -1);

      up.child.kill('SIGTERM');
      const exit = await up.exited;
      code = exit.code;

      expect(exit.code, exit.stderr).toBe(0);
      expect(exit.stdout.trimEnd().split('\n')).toEqual([`ready ${url}`]);
      expect(exit.stderr).toMatch(/Server listening at/);
      expect(children.filter(isAlive)).toEqual([]);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      // One directory per service, each with its own database.
      for (const service of ['auth', 'billing', 'order', 'notification']) {
        expect(readdirSync(join(data, service)).filter((f) => f.endsWith('.sqlite'))).toEqual([`${service}.sqlite`]);
      }
      const auth = new Database(join(data, 'auth', 'auth.sqlite'), { readonly: true });
      const billing = new Database(join(data, 'billing', 'billing.sqlite'), { readonly: true });
      try {
        expect(auth.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(auth.prepare('SELECT email FROM users').all()).toEqual([{ email: registration.email }]);
        expect(billing.prepare('SELECT balance FROM accounts').all()).toEqual([{ balance: 0 }]);
      } finally {
        auth.close();
        billing.close();
      }
    } finally {
      if (code === null && up.child.exitCode === null) up.child.kill('SIGKILL');
    }
  });
});
