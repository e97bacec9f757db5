/**
 * What a process of the system costs to start, compiled code against a baseline, in one sitting:
 *
 *   npm run bench:start [-- --baseline REV|tsx|none[,…]] [--runs 5] [--kinds billing,order,gateway]
 *                       [--up-runs 3] [--up-styles rest,notification] [--settle 3s]
 *
 * `--kinds` takes the services, the gateway and `link` (one relay process, `interplay link`).
 *
 * Per child (`interplay service KIND --style rest --port 0`, started as the processes topology starts
 * it: `node bin/interplay service KIND`): the time from spawn to its `ready` line, the CPU it spent
 * until then (utime + stime), its peak RSS (VmHWM) and its steady RSS (VmRSS `--settle` after ready).
 * Then `interplay up --topology processes` per style: spawn to `ready`, and the RSS of each of its
 * children once settled. Runs alternate between this checkout and the baselines, so a machine loaded
 * by others weighs on every column alike; medians are printed.
 *
 * Each baseline (several, separated by commas, each a column): a git revision checked out beside (a
 * detached worktree, this node_modules linked, built with its own `npm run build`; default `main`),
 * `tsx` (this checkout's sources through tsx), `tsx@REV` (a revision's sources through tsx), or `none`. This checkout is built first when its dist/
 * is stale.
 *
 * A benchmark, not a test: it exits 0 whatever the numbers, 1 when a run could not start, 2 on a bad option.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option } from 'commander';
import { childProcesses, processUsage } from '../src/measure/engine/proc.ts';
import { nonNegativeInt, parseDuration, positiveInt } from '../src/cli/options.ts';
import { ensureBuilt } from './ensure-built.ts';
import { parseScript, scriptCommand } from './script-command.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bench-start-service-secret-0123456789abcdef';
const MiB = 2 ** 20;
/** `--kinds link`: one relay process as the processes topology starts it (`interplay link`), to a closed port. */
const LINK_SPEC = JSON.stringify({ name: 'order>billing', host: '127.0.0.1', statusPort: 0, profile: { latencyMs: 5, jitterMs: 0 }, routes: [{ port: 0, target: { host: '127.0.0.1', port: 9 } }], seed: 1 });

interface Variant {
  readonly name: string;
  readonly root: string;
  /** extra environment: the tsx baseline makes bin/interplay see a stale dist/ */
  readonly env: Record<string, string>;
}

interface ChildFigures {
  readonly readyMs: number;
  readonly cpuMs: number;
  readonly peakMiB: number;
  readonly steadyMiB: number;
}

interface UpFigures {
  readonly readyMs: number;
  /** settled RSS of each node child (services and gateway), MiB */
  readonly childMiB: readonly number[];
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);
const flags = parseScript<{ baseline: string[]; runs: number; kinds: string[]; upRuns: number; upStyles: string[]; settle: number }>(
  scriptCommand('bench-start', "what a process of the system costs to start, this checkout's compiled code against baselines")
    .addOption(new Option('--baseline <list>', 'git revisions, tsx (these sources through tsx) or none, separated by commas').argParser(list).default(['main'], 'main'))
    .addOption(new Option('--runs <n>', 'runs per child kind and variant').argParser(positiveInt(1000)).default(5))
    .addOption(new Option('--kinds <list>', 'the children started, as interplay service KIND').argParser(list).default(['billing', 'order', 'gateway'], 'billing,order,gateway'))
    .addOption(new Option('--up-runs <n>', 'runs of interplay up --topology processes per style and variant (0: none)').argParser(nonNegativeInt(1000)).default(3))
    .addOption(new Option('--up-styles <list>', 'styles of those runs').argParser(list).default(['rest', 'notification'], 'rest,notification'))
    .addOption(new Option('--settle <time>', 'after ready, when the steady RSS is read').argParser(parseDuration).default(3000, '3s')),
);
const opts = {
  baselines: flags.baseline.filter((b) => b !== 'none'),
  runs: flags.runs,
  kinds: flags.kinds,
  upRuns: flags.upRuns,
  upStyles: flags.upStyles,
  settleMs: flags.settle,
};
const cleanups: (() => void)[] = [];
process.once('exit', () => cleanups.forEach((clean) => clean()));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const variants: Variant[] = [];
for (const baseline of opts.baselines) {
  if (baseline === 'tsx') variants.push({ name: 'tsx', root: ROOT, env: { INTERPLAY_SOURCES: '1' } });
  else if (baseline.startsWith('tsx@')) variants.push({ ...baselineCheckout(baseline.slice(4)), name: `tsx ${baseline.slice(4)}`, env: { INTERPLAY_SOURCES: '1' } });
  else variants.push(baselineCheckout(baseline));
}
ensureBuilt(ROOT, 'bench:start');
variants.push({ name: 'this checkout', root: ROOT, env: {} });

const childRuns = new Map<string, ChildFigures[]>();
const upRuns = new Map<string, UpFigures[]>();
const key = (variant: Variant, what: string) => `${variant.name}\0${what}`;
const push = <T>(map: Map<string, T[]>, k: string, v: T) => map.set(k, [...(map.get(k) ?? []), v]);

try {
  for (let run = 1; run <= opts.runs; run++) {
    for (const kind of opts.kinds) {
      for (const variant of variants) {
        const figures = await child(variant, kind);
        push(childRuns, key(variant, kind), figures);
        console.error(`run ${run}/${opts.runs} ${kind} [${variant.name}]: ready ${figures.readyMs.toFixed(0)} ms, cpu ${figures.cpuMs.toFixed(0)} ms, rss peak ${figures.peakMiB.toFixed(1)} MiB, steady ${figures.steadyMiB.toFixed(1)} MiB`);
      }
    }
  }
  for (let run = 1; run <= opts.upRuns; run++) {
    for (const style of opts.upStyles) {
      for (const variant of variants) {
        const figures = await up(variant, style);
        push(upRuns, key(variant, style), figures);
        console.error(`run ${run}/${opts.upRuns} up ${style} [${variant.name}]: ready ${figures.readyMs.toFixed(0)} ms, children ${figures.childMiB.map((m) => m.toFixed(0)).join('/')} MiB`);
      }
    }
  }
} catch (error) {
  console.error(`bench:start: ${(error as Error).message}`);
  process.exit(1);
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const rows: string[][] = [];
const cell = (map: Map<string, ChildFigures[]>, variant: Variant, kind: string, pick: (f: ChildFigures) => number, unit: string, digits: number) => {
  const values = map.get(key(variant, kind)) ?? [];
  return values.length ? `${median(values.map(pick)).toFixed(digits)} ${unit}` : '–';
};
const measures: [string, (f: ChildFigures) => number, string, number][] = [
  ['RSS peak', (f) => f.peakMiB, 'MiB', 1],
  ['RSS steady', (f) => f.steadyMiB, 'MiB', 1],
  ['spawn to ready', (f) => f.readyMs / 1000, 's', 2],
  ['CPU to ready', (f) => f.cpuMs / 1000, 's', 2],
];
for (const kind of opts.kinds) {
  for (const [label, pick, unit, digits] of measures) rows.push([`${kind}: ${label}`, ...variants.map((v) => cell(childRuns, v, kind, pick, unit, digits))]);
}
for (const style of opts.upRuns > 0 ? opts.upStyles : []) {
  const of = (v: Variant) => upRuns.get(key(v, style)) ?? [];
  rows.push([`up processes ${style}: to ready`, ...variants.map((v) => (of(v).length ? `${(median(of(v).map((f) => f.readyMs)) / 1000).toFixed(2)} s` : '–'))]);
  rows.push([`up processes ${style}: child RSS max`, ...variants.map((v) => (of(v).length ? `${median(of(v).map((f) => Math.max(...f.childMiB))).toFixed(1)} MiB` : '–'))]);
}
const header = ['', ...variants.map((v) => v.name)];
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`medians of ${opts.runs} runs per child (rest style), ${opts.upRuns} per up; ${new Date().toISOString()}, load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log(line(header));
for (const r of rows) console.log(line(r));

/** One `interplay service KIND` (or `interplay link`) from spawn to ready, then settled; stopped with SIGTERM. */
async function child(variant: Variant, kind: string): Promise<ChildFigures> {
  const data = mkdtempSync(join(tmpdir(), 'interplay-bench-start-'));
  // The peers are not asked during the start; a closed port stands for each.
  const peers = Object.fromEntries(['AUTH', 'BILLING', 'ORDER', 'NOTIFICATION'].map((s) => [`INTERPLAY_${s}_URL`, 'http://127.0.0.1:9']));
  const env = { ...process.env, ...peers, ...variant.env, INTERPLAY_SERVICE_SECRET: SECRET, INTERPLAY_PORT: '0', INTERPLAY_DATA_DIR: data, INTERPLAY_STYLE: 'rest' };
  try {
    return await timed(variant, kind === 'link' ? ['link'] : ['service', kind], kind === 'link' ? { ...env, INTERPLAY_LINK: LINK_SPEC } : env, async (pid, readyMs) => {
      const atReady = await processUsage(pid);
      await sleep(opts.settleMs);
      const settled = await processUsage(pid);
      if (!atReady || !settled) throw new Error(`${kind} exited after ready`);
      return { readyMs, cpuMs: atReady.cpuMs, peakMiB: settled.rssPeakBytes / MiB, steadyMiB: settled.rssBytes / MiB };
    });
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

/** `interplay up --topology processes` from spawn to ready, and its children's RSS once settled. */
async function up(variant: Variant, style: string): Promise<UpFigures> {
  const env = { ...process.env, ...variant.env };
  return timed(variant, ['up', '--topology', 'processes', '--style', style, '--port', '0'], env, async (pid, readyMs) => {
    await sleep(opts.settleMs);
    const childMiB: number[] = [];
    for (const childPid of await childProcesses(pid)) {
      const usage = await processUsage(childPid);
      // The node children only: the private nats-server is not one of the system's processes.
      if (usage && (await commandOf(childPid)) === 'node') childMiB.push(usage.rssBytes / MiB);
    }
    return { readyMs, childMiB };
  });
}

/** Spawns `node bin/interplay ARGS`, waits for its `ready` line, measures, then stops it with SIGTERM and waits for its exit. */
async function timed<T>(variant: Variant, args: string[], env: NodeJS.ProcessEnv, measure: (pid: number, readyMs: number) => Promise<T>): Promise<T> {
  const started = performance.now();
  const proc = spawn(process.execPath, [join(variant.root, 'bin', 'interplay'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => proc.once('close', () => resolve()));
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      let out = '';
      proc.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (/^ready \S+/m.test(out)) resolve(performance.now() - started);
      });
      proc.once('close', (code) => reject(new Error(`${args.join(' ')} [${variant.name}] exited ${code} before ready: ${stderr.trim().split('\n').at(-1) ?? ''}`)));
    });
    return await measure(proc.pid!, readyMs);
  } finally {
    proc.kill('SIGTERM');
    await exited;
  }
}

async function commandOf(pid: number): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  return (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The baseline revision in a detached worktree beside, with this node_modules, built by its own build script. */
function baselineCheckout(rev: string): Variant {
  const dir = mkdtempSync(join(tmpdir(), 'interplay-baseline-'));
  const git = (...args: string[]) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  const added = git('worktree', 'add', '--detach', dir, rev);
  if (added.status !== 0) {
    console.error(`bench:start: cannot check out ${rev}: ${added.stderr.trim()}`);
    process.exit(2);
  }
  cleanups.push(() => {
    git('worktree', 'remove', '--force', dir);
    rmSync(dir, { recursive: true, force: true });
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  ensureBuilt(dir, 'bench:start');
  return { name: `baseline ${rev}`, root: dir, env: {} };
}
