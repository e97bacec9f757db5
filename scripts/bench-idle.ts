/**
 * What the system costs at rest, per style: `interplay up --style S` (inproc, SQLite) started and left
 * alone; CPU per second of its process and of the processes under it (its private nats-server).
 *
 *   npm run bench:idle [-- --styles rest,notification,collaboration] [--window 60s] [--settle 10s]
 *                      [--runs 1] [--baseline DIR]
 *
 * `--baseline DIR`: another checkout (built here when its dist/ is stale), measured alternately with this one
 * (base, this, base, this …), so a machine loaded by others weighs on both columns alike. Medians
 * over the runs are printed. A benchmark, not a test: it exits 0 whatever the numbers, 1 when a
 * system could not start, 2 on a bad option.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/cli/options.ts';
import { ensureBuilt } from './ensure-built.ts';
import { measureIdle, medianIdle, type IdleFigures } from '../src/measure/idle.ts';
import { STYLES, type Style } from '../src/model/style.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const opts = options(process.argv.slice(2));
const checkouts = [...(opts.baseline ? [{ name: 'baseline', root: opts.baseline }] : []), { name: 'this checkout', root: ROOT }];
const runs = new Map<string, IdleFigures[]>();
// Measured as a user runs it: from dist/, never from the sources through tsx (whose esbuild child would count).
for (const checkout of checkouts) ensureBuilt(checkout.root, 'bench:idle');

try {
  for (let run = 1; run <= opts.runs; run++) {
    for (const style of opts.styles) {
      for (const checkout of checkouts) {
        const figures = await measureIdle({ root: checkout.root, style, settleMs: opts.settleMs, windowMs: opts.windowMs });
        const key = `${style}\0${checkout.name}`;
        runs.set(key, [...(runs.get(key) ?? []), figures]);
        const parts = figures.processes.map((p) => `${p.command} ${p.msPerS.toFixed(2)}`).join(', ');
        console.error(`run ${run}/${opts.runs} ${style} [${checkout.name}]: ${figures.totalMsPerS.toFixed(2)} ms/s (${parts}) over ${figures.windowS.toFixed(1)} s`);
      }
    }
  }
} catch (error) {
  console.error(`bench:idle: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

console.log(`\nCPU at rest, ms per s (median of ${opts.runs} run(s), ${opts.windowMs / 1000} s window after ready + ${opts.settleMs / 1000} s)\n`);
console.log(['style', 'checkout', 'total', 'per process'].join('\t'));
for (const style of opts.styles) {
  for (const checkout of checkouts) {
    const { byCommand, totalMsPerS } = medianIdle(runs.get(`${style}\0${checkout.name}`) ?? []);
    const parts = [...byCommand].map(([command, ms]) => `${command} ${ms.toFixed(2)}`).join(', ');
    console.log([style, checkout.name, totalMsPerS.toFixed(2), parts].join('\t'));
  }
}


function options(argv: string[]) {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        styles: { type: 'string', default: 'rest,notification,collaboration' },
        window: { type: 'string', default: '60s' },
        settle: { type: 'string', default: '10s' },
        runs: { type: 'string', default: '1' },
        baseline: { type: 'string' },
      },
    });
    const styles = values.styles.split(',').map((s) => s.trim());
    const bad = styles.find((s) => !(STYLES as readonly string[]).includes(s));
    if (bad !== undefined) throw new Error(`--styles: unknown style '${bad}'`);
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');
    const baseline = values.baseline === undefined ? undefined : resolve(values.baseline);
    if (baseline && !existsSync(resolve(baseline, 'bin', 'interplay'))) throw new Error(`--baseline ${baseline}: no bin/interplay there`);
    const duration = (flag: string, text: string) => {
      try {
        return parseDuration(text);
      } catch (error) {
        throw new Error(`--${flag} ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    return { styles: styles as Style[], windowMs: duration('window', values.window), settleMs: duration('settle', values.settle), runs, baseline };
  } catch (error) {
    console.error(`bench:idle: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }
}
