/**
 * Whether the system stays flat as work grows (issue 10: CPU per order and p99 within 10 % after
 * 1,000,000 stored orders, compared with a fresh system):
 *
 *   npm run bench:growth [-- --style S] [--orders 1000000] [--rate 100] [--duration 30s] [--warmup 3s] [--users 20] [--out DIR]
 *
 * `--warmup 0s` keeps the first seconds after each start in the figures: the seeded system's first
 * seconds on a large database, cold, are what a user meets after a restart.
 *
 * Per style (all three by default, one after the other): the open-loop load on a fresh system kept on a
 * data directory; then the system stopped, `--orders` paid orders seeded straight into its databases
 * (src/measure/seed-history.ts), and the same load, by the same users, on the system started again on them.
 * Prints fresh against seeded and saves growth.json in the out directory.
 *
 * A benchmark, not a test: it exits 0 whatever the numbers, 1 when a step could not run, 2 on a bad option.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LOAD_DEFAULTS } from '../src/cli/load-flags.ts';
import { parseDuration, parseRate, positiveInt } from '../src/cli/options.ts';
import { stopEverythingOnSignal } from '../src/cli/signals.ts';
import { collectGrowth, growthFigures, type GrowthOptions, type GrowthRun } from '../src/measure/growth.ts';
import { renderGrowthTable, renderSeeding } from '../src/report/growth.ts';
import { defaultReportDir } from '../src/report/index.ts';
import { writeAtomic } from '../src/report/files.ts';
import { count, duration, rate } from '../src/report/format.ts';
import { STYLES, type Style } from '../src/model/style.ts';

const { styles, load, out } = options(process.argv.slice(2));
stopEverythingOnSignal();
mkdirSync(out, { recursive: true });

const STEP: Record<'fresh' | 'seeding' | 'seeded', (style: Style) => string> = {
  fresh: (style) => `${style}: fresh system, ${rate(load.rate ?? 0)} orders/s for ${duration(load.durationMs)} by ${load.users} users`,
  seeding: () => `  stopped; seeding ${count(load.orders)} paid orders into its databases`,
  seeded: () => `  started again on them; the same load`,
};

const runs: GrowthRun[] = [];
let failed = false;
for (const style of styles) {
  try {
    runs.push(
      await collectGrowth(style, {
        ...load,
        onStep: (step) => console.log(STEP[step](style)),
        onSeeded: (written) => process.stdout.isTTY && process.stdout.write(`\r  ${count(written)} of ${count(load.orders)}`),
      }),
    );
    if (process.stdout.isTTY) process.stdout.write('\n');
    console.log(`  ${renderSeeding(runs.at(-1)!)}`);
  } catch (error) {
    failed = true;
    console.error(`${style}: ${(error as Error).message}`);
  }
}

if (runs.length > 0) {
  console.log(`\n${renderGrowthTable(runs)}\n`);
  const saved = { schema: 'interplay/growth@1', argv: process.argv.slice(2), runs: runs.map((run) => ({ ...run, figures: growthFigures(run) })) };
  console.log(`saved ${await writeAtomic(join(out, 'growth.json'), `${JSON.stringify(saved, null, 2)}\n`)}`);
}
process.exit(failed ? 1 : 0);


/** Checked before anything starts: a bad option is one line on stderr and exit code 2. */
function options(argv: readonly string[]): { styles: Style[]; load: GrowthOptions; out: string } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        style: { type: 'string' },
        orders: { type: 'string', default: '1000000' },
        rate: { type: 'string', default: '100' },
        duration: { type: 'string', default: '30s' },
        warmup: { type: 'string', default: '3s' },
        users: { type: 'string', default: '20' },
        out: { type: 'string' },
      },
    });
    const style = values.style;
    if (style !== undefined && !(STYLES as readonly string[]).includes(style)) throw new Error(`--style must be one of ${STYLES.join(', ')}.`);
    const flag = <T>(name: string, parse: (v: string) => T, value: string) => {
      try {
        return parse(value);
      } catch (error) {
        throw new Error(`--${name} ${(error as Error).message}`);
      }
    };
    return {
      styles: style === undefined ? [...STYLES] : [style as Style],
      out: values.out ?? `${defaultReportDir(new Date())}-growth`,
      load: {
        // The rest as `interplay bench` has them by default, so the runs compare with a bench's.
        ...LOAD_DEFAULTS,
        orders: flag('orders', positiveInt(100_000_000), values.orders),
        mode: 'open',
        rate: flag('rate', parseRate, values.rate),
        durationMs: flag('duration', parseDuration, values.duration),
        warmupMs: flag('warmup', parseDuration, values.warmup),
        users: flag('users', positiveInt(10_000), values.users),
        argv,
      },
    };
  } catch (error) {
    console.error(`bench:growth: ${(error as Error).message}`);
    process.exit(2);
  }
}
