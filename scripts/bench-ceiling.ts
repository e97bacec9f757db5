/**
 * How far each style is from this machine's own limit, in one go:
 *
 *   npm run bench:ceiling [-- --seconds 3] [-- any compare option, e.g. --styles rest --rate 100]
 *
 * 1. `calibrate`: the Fastify hello reference (autocannon) and the primitives an order is made of,
 *    `--seconds` each, saved as calibration.json.
 * 2. `interplay compare --find-max` with that calibration (by default --rate 60 --duration 8s
 *    --users 20 --drain 10s, SLO p99 completion ≤ 100 ms; options after the script's own are passed on).
 * 3. Per style: the rate held, its share of hello's rate, the measured CPU per order in hello requests'
 *    worth, p50/p99 completion at the rate held, and the efficiency against the calibrated ceiling.
 * 4. Per style, `interplay bench` at half the rate held (`--half` seconds, default 20): CPU per order and
 *    p50/p99 completion there. A p99 far above the p50 at half load is queueing (a poll, a batch that
 *    waits, a lock across an await), not saturation; the target is p99 within 5× p50.
 *
 * A benchmark, not a test: it exits 0 whatever the numbers, 1 only when a step could not run.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CEILING_MODEL, knownCeilings } from '../src/analyse/ceiling.ts';
import { calibrate } from '../src/measure/calibrate/index.ts';
import type { FindMaxResult } from '../src/measure/find-max.ts';
import type { RunReport } from '../src/model/schema.ts';
import { grid, renderCalibration } from '../src/report/calibration.ts';
import { count, percent, rate, sig3 } from '../src/report/format.ts';
import { defaultReportDir } from '../src/report/index.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));
const FIND_MAX_DEFAULTS = ['--rate', '60', '--duration', '8s', '--users', '20', '--drain', '10s', '--slo', '100ms'];

const { seconds, halfSeconds, forwarded } = parseArgs(process.argv.slice(2));
const dir = `${defaultReportDir(new Date())}-ceiling`;
mkdirSync(dir, { recursive: true });

console.log(`calibrating: each primitive for ${seconds} s`);
const calibration = await calibrate({ durationMs: seconds * 1000, onPrimitive: (name) => console.log(`  ${name}`) });
const calibrationFile = join(dir, 'calibration.json');
writeFileSync(calibrationFile, `${JSON.stringify({ ...calibration, ceilings: knownCeilings(calibration) }, null, 2)}\n`);
console.log(`\n${renderCalibration(calibration, knownCeilings(calibration))}`);

const args = ['compare', '--find-max', ...FIND_MAX_DEFAULTS, ...forwarded, '--calibration', calibrationFile, '--json', '--out', join(dir, 'compare')];
console.log(`interplay ${args.join(' ')}`);
const result = await interplay(args);
const ramps = (JSON.parse(result) as { findMax?: FindMaxResult[] }).findMax ?? [];

const hello = calibration.primitives.hello;
console.log(`\nper style against the hello reference (${count(hello.perSecond)} req/s, ${sig3(hello.cpuUsPerOp)} µs CPU each) and this machine's ceiling`);
const rows = grid(
  ['style', 'held /s', 'of hello', 'CPU /order in hellos', 'completion p50 ms', 'p99 ms', 'ceiling /s', 'efficiency'],
  ramps.map((ramp) => {
    const run = ramp.run;
    const c = run?.ceiling;
    if (!run || !c) return [ramp.style, 'none held', '–', '–', '–', '–', '–', '–'];
    return [
      ramp.style,
      rate(c.heldRate),
      percent(c.helloShare),
      sig3(c.helloPerOrder),
      sig3(run.latency.completion.p50),
      sig3(run.latency.completion.p99),
      count(c.ordersPerSecond),
      percent(c.efficiency),
    ];
  }),
);
console.log(rows.join('\n'));
console.log(`\n${CEILING_MODEL}`);

// Half the rate held, each style on its own system, with the same workload options as the ramp.
const HALF_TARGET = 5;
const halves: { style: string; rate: number; run?: RunReport }[] = [];
for (const ramp of ramps) {
  const held = ramp.run?.ceiling?.heldRate;
  if (!held) continue;
  const half = Math.max(1, Math.round(held / 2));
  const benchArgs = ['bench', '--style', ramp.style, ...FIND_MAX_DEFAULTS.slice(0, -2), ...withoutStyles(forwarded), '--rate', String(half), '--duration', `${halfSeconds}s`];
  benchArgs.push('--calibration', calibrationFile, '--json', '--out', join(dir, `half-${ramp.style}`));
  console.log(`interplay ${benchArgs.join(' ')}`);
  halves.push({ style: ramp.style, rate: half, run: JSON.parse(await interplay(benchArgs)) as RunReport });
}
console.log(`\nat half the rate held (target: p99 completion ≤ ${HALF_TARGET}× p50)`);
console.log(
  grid(
    ['style', 'rate /s', 'CPU ms /order', 'in hellos', 'completion p50 ms', 'p99 ms', 'p99 ÷ p50', 'failed', 'pending'],
    halves.map(({ style, rate: r, run }) => {
      if (!run) return [style, rate(r), '–', '–', '–', '–', '–', '–', '–'];
      const { p50, p99 } = run.latency.completion;
      return [
        style,
        rate(r),
        sig3(run.cost.cpuMsPerOrder),
        run.ceiling ? sig3(run.ceiling.helloPerOrder) : '–',
        sig3(p50),
        sig3(p99),
        p50 > 0 ? `${sig3(p99 / p50)}${p99 / p50 <= HALF_TARGET ? '' : ' (over)'}` : '–',
        count(run.orders.failed),
        count(run.orders.pending),
      ];
    }),
  ).join('\n'),
);
console.log(`\nreports in ${dir}`);

/** compare's `--styles` is not bench's option: each half-rate run names its own style */
function withoutStyles(args: readonly string[]): string[] {
  const out = [...args];
  const at = out.indexOf('--styles');
  if (at >= 0) out.splice(at, 2);
  return out;
}

/** `--seconds N` and `--half N` are ours; everything else goes to compare (and to the half-rate benches) */
function parseArgs(argv: readonly string[]): { seconds: number; halfSeconds: number; forwarded: string[] } {
  const forwarded = [...argv];
  const take = (flag: string, fallback: number, max: number): number => {
    const at = forwarded.indexOf(flag);
    if (at < 0) return fallback;
    const value = Number(forwarded[at + 1]);
    if (!(Number.isFinite(value) && value > 0 && value <= max)) usage(`${flag} must be a number above 0, at most ${max}`);
    forwarded.splice(at, 2);
    return value;
  };
  return { seconds: take('--seconds', 3, 60), halfSeconds: take('--half', 20, 600), forwarded };
}

function usage(message: string): never {
  console.error(`bench:ceiling: ${message}`);
  process.exit(2);
}

/** runs the CLI with its progress on our stderr; resolves to its stdout */
function interplay(cliArgs: readonly string[]): Promise<string> {
  const child = spawn(process.execPath, [BIN, ...cliArgs], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // Exit 1 means a style held no rate: still a result to print.
    child.once('close', (code) => (code === 0 || code === 1 ? resolve(stdout) : reject(new Error(`interplay ${cliArgs[0]} exited with ${code}`))));
  });
}
