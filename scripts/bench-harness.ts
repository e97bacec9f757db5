/**
 * Checks that our load engine can drive as much load as autocannon on this machine.
 *
 *   tsx scripts/bench-harness.ts [--seconds 5] [--connections 32] [--rounds 3]
 *
 * A trivial HTTP server answers 200 {"ok":true}. Each round runs, one after the other:
 *   autocannon (closed loop), our engine in closed mode with the same connections,
 *   our engine in open mode at 1.5 × that round's autocannon rate (overload: what can it offer
 *   and complete?), and in open mode at 0.5 × (well below capacity: does it hold the rate?).
 * It prints the medians and the verdict "ours >= 80 % of autocannon". It is a benchmark,
 * not a test: it exits 0 either way.
 *
 * The server runs in a child process (this same file, forked with --child-server) so the
 * generator being measured has its own event loop and core; in-process, the server's work
 * would be charged to whichever generator ran and both would look slower than they are.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Option } from 'commander';
import { positiveInt } from '../src/cli/options.ts';
import { runScript, scriptCommand } from './script-command.ts';
import { createJsonClient, runLoad } from '../src/measure/index.ts';
import type { LoadResult } from '../src/measure/index.ts';

/** set in the forked child: it serves instead of measuring (an environment variable, so the arguments stay the user's) */
const CHILD_ENV = 'INTERPLAY_BENCH_HARNESS_SERVER';
const TARGET_RATIO = 0.8;

interface Sample {
  /** responses per second during the window */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** ms of this process's CPU per 1000 responses: how much the generator itself costs */
  readonly cpuPer1k: number;
  readonly offered?: number;
  readonly sendRate?: number;
  readonly dropped?: number;
  readonly sendLagP99?: number;
}

if (process.env[CHILD_ENV] === '1') startChildServer();
else {
  process.exitCode = await runScript(
    scriptCommand('bench-harness', "our load engine against autocannon on a trivial server: can it drive as much load?")
      .addOption(new Option('--seconds <n>', 'seconds per measured run').argParser(positiveInt(600)).default(5))
      .addOption(new Option('--connections <n>', 'connections of the closed loops').argParser(positiveInt(10_000)).default(32))
      .addOption(new Option('--rounds <n>', 'rounds of the four runs; medians are printed').argParser(positiveInt(100)).default(3))
      .action(main),
  );
}

function startChildServer(): void {
  const body = JSON.stringify({ ok: true });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send?.({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}

async function main({ seconds, connections, rounds }: { seconds: number; connections: number; rounds: number }): Promise<void> {
  const { child, url } = await forkServer();
  try {
    console.log(`server ${url} (child pid ${child.pid}); ${rounds} rounds × 4 runs of ${seconds}s, ${connections} connections`);
    console.log(`load average before: ${loadAverage()}`);
    // JIT warm-up of the server and of both generators; not counted.
    await measureAutocannon(url, connections, 1);
    await measureEngine(url, connections, 1, { mode: 'closed' });

    const ac: Sample[] = [];
    const closed: Sample[] = [];
    const open: Sample[] = [];
    const steady: Sample[] = [];
    for (let round = 1; round <= rounds; round++) {
      const a = await measureAutocannon(url, connections, seconds);
      ac.push(a);
      const c = await measureEngine(url, connections, seconds, { mode: 'closed' });
      closed.push(c);
      const rate = Math.round(a.rps * 1.5);
      const o = await measureEngine(url, connections, seconds, { mode: 'open', rate });
      open.push(o);
      const steadyRate = Math.round(a.rps * 0.5);
      const st = await measureEngine(url, connections, seconds, { mode: 'open', rate: steadyRate });
      steady.push(st);
      console.log(
        `round ${round}: autocannon ${fmt(a.rps)} req/s · ours closed ${fmt(c.rps)} · ` +
          `open ${fmt(o.rps)} of ${fmt(rate)} asked · open ${fmt(st.rps)} of ${fmt(steadyRate)} asked`,
      );
    }
    printReport(ac, closed, open, steady);
    console.log(`load average after: ${loadAverage()}`);
  } finally {
    child.disconnect();
    child.kill();
  }
}

async function forkServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(fileURLToPath(import.meta.url), [], { stdio: 'inherit', env: { ...process.env, [CHILD_ENV]: '1' } });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`server exited early with ${code}`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

async function measureAutocannon(url: string, connections: number, seconds: number): Promise<Sample> {
  const cpu = process.cpuUsage();
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
  const used = process.cpuUsage(cpu);
  const rps = r.requests.total / r.duration;
  return { rps, p50: r.latency.p50, p99: r.latency.p99, cpuPer1k: cpuPer1k(used, r.requests.total) };
}

type EngineMode = { readonly mode: 'closed' } | { readonly mode: 'open'; readonly rate: number };

async function measureEngine(url: string, connections: number, seconds: number, how: EngineMode): Promise<Sample> {
  const client = createJsonClient({ baseUrl: url, connections });
  const request = async () => {
    const res = await client.request({ method: 'GET', path: '/' });
    return { status: res.status };
  };
  const common = { durationMs: seconds * 1000, request, drainTimeoutMs: 5000 };
  const cpu = process.cpuUsage();
  try {
    const r: LoadResult = await (how.mode === 'closed'
      ? runLoad({ ...common, mode: 'closed', connections }).result
      : runLoad({ ...common, mode: 'open', rate: how.rate, arrivals: 'poisson', seed: 1, maxInflight: 20_000 }).result);
    const used = process.cpuUsage(cpu);
    return {
      rps: r.throughput,
      p50: r.accept.p50,
      p99: r.accept.p99,
      cpuPer1k: cpuPer1k(used, r.completed),
      offered: r.offered,
      sendRate: r.sendRate,
      dropped: r.dropped,
      sendLagP99: r.sendLag.p99,
    };
  } finally {
    await client.close();
  }
}

function printReport(
  ac: readonly Sample[],
  closed: readonly Sample[],
  open: readonly Sample[],
  steady: readonly Sample[],
): void {
  const m = (xs: readonly Sample[], pick: (s: Sample) => number | undefined): number =>
    median(xs.map((s) => pick(s) ?? Number.NaN));
  const row = (name: string, xs: readonly Sample[]): string[] => [
    name,
    fmt(m(xs, (s) => s.offered)),
    fmt(m(xs, (s) => s.sendRate)),
    fmt(m(xs, (s) => s.rps)),
    ms(m(xs, (s) => s.p50)),
    ms(m(xs, (s) => s.p99)),
    fmt(m(xs, (s) => s.dropped)),
    ms(m(xs, (s) => s.sendLagP99)),
    m(xs, (s) => s.cpuPer1k).toFixed(1),
  ];
  console.log('\nmedians of', ac.length, 'rounds; latency in ms (autocannon: 1 ms resolution; ours open: from the intended send time)');
  table(
    ['generator', 'offered/s', 'sent/s', 'done/s', 'p50', 'p99', 'dropped', 'send lag p99', 'cpu ms/1k req'],
    [
      row('autocannon (closed)', ac),
      row('ours closed', closed),
      row('ours open 1.5×', open),
      row('ours open 0.5×', steady),
    ],
  );
  const acRps = m(ac, (s) => s.rps);
  const closedRatio = m(closed, (s) => s.rps) / acRps;
  // Runs of one round are adjacent in time, so their ratio is less exposed to a noisy neighbour.
  const perRound = (xs: readonly Sample[], of: (s: Sample, i: number) => number): string =>
    xs.map((s, i) => pct(of(s, i))).join(', ');
  const vsAc = (s: Sample, i: number): number => s.rps / (ac[i]?.rps ?? Number.NaN);
  console.log(`\nours closed / autocannon     = ${pct(closedRatio)} (per round: ${perRound(closed, vsAc)})`);
  console.log(`ours open 1.5× / autocannon = ${pct(m(open, (s) => s.rps) / acRps)} (per round: ${perRound(open, vsAc)})`);
  console.log(`ours open 0.5× done/offered = per round: ${perRound(steady, (s) => s.rps / (s.offered ?? Number.NaN))}`);
  const pass = closedRatio >= TARGET_RATIO;
  console.log(`verdict: ${pass ? 'PASS' : 'FAIL'} (target: ours closed >= ${pct(TARGET_RATIO)} of autocannon)`);
}

function table(head: readonly string[], rows: readonly string[][]): void {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

function median(xs: readonly number[]): number {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function cpuPer1k(used: NodeJS.CpuUsage, requests: number): number {
  return requests > 0 ? (used.user + used.system) / 1000 / (requests / 1000) : Number.NaN;
}

/** Other work on the machine skews every number here; say how busy it was. */
function loadAverage(): string {
  const [one = 0] = loadavg();
  const cores = availableParallelism();
  const busy = one > cores * 0.75 ? ` — busy machine (${cores} cores): numbers are noisy` : '';
  return `${one.toFixed(2)}${busy}`;
}

function fmt(x: number): string {
  return Number.isNaN(x) ? '–' : Math.round(x).toLocaleString('en-US');
}

function ms(x: number): string {
  return Number.isNaN(x) ? '–' : x.toFixed(2);
}

function pct(x: number): string {
  return `${(x * 100).toFixed(0)} %`;
}
