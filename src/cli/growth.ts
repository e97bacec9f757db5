import { Option, type Command } from 'commander';
import type { GrowthRun } from '../measure/soak/growth.ts';
import type { Style } from '../model/style.ts';
import { EXIT_FAILED } from './errors.ts';
import { stylesOption } from './fault-flags.ts';
import { addWindowFlags, LOAD_DEFAULTS, loadOption, workloadOf, type LoadFlags } from './load-flags.ts';
import { positiveInt } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';

/** the workload flags of `bench` that apply to a growth run */
type GrowthFlags = Pick<LoadFlags, 'users' | 'rate' | 'duration' | 'warmup' | 'drain' | 'maxInflight' | 'seed' | 'insufficient' | 'nats' | 'out'> & {
  readonly styles: Style[];
  readonly orders: number;
};

export function registerGrowth(cli: Command): void {
  const growth = cli
    .command('growth')
    .description(
      'per style the same open-loop load on a fresh system, then on the same system holding --orders more paid orders seeded into its databases: CPU per order and latency, fresh against seeded',
    )
    .addOption(stylesOption('comma-separated styles, one after the other'))
    .addOption(new Option('--orders <n>', 'paid orders seeded into the databases before the second run').argParser(positiveInt(100_000_000)).default(1_000_000))
    .addOption(loadOption.users().default(20))
    .addOption(loadOption.rate())
    .addOption(loadOption.duration().default(30_000, '30s'));
  // --warmup 0s keeps the first seconds after each start in the figures: a large database, cold, is what a user meets after a restart.
  addWindowFlags(growth)
    .option('--out <dir>', 'where growth.json goes (default reports/<timestamp>-growth)')
    .action(async (flags: GrowthFlags) => {
      // Loaded here, not at the top: --help and bad flags answer without loading the system.
      const { collectGrowth, growthFigures } = await import('../measure/soak/growth.ts');
      const { renderGrowthTable, renderSeeding } = await import('../report/growth.ts');
      const { defaultReportDir } = await import('../report/index.ts');
      const { writeAtomic } = await import('../report/files.ts');
      const { count, duration, rate } = await import('../report/format.ts');
      const { mkdir } = await import('node:fs/promises');
      const { join } = await import('node:path');
      stopEverythingOnSignal();
      const out = flags.out ?? `${defaultReportDir(new Date())}-growth`;
      await mkdir(out, { recursive: true });
      const argv = process.argv.slice(2);
      const load = {
        // The rest as `interplay bench` has them by default, so the runs compare with a bench's.
        ...LOAD_DEFAULTS,
        mode: 'open' as const,
        orders: flags.orders,
        ...workloadOf(flags),
        ...(flags.nats ? { nats: flags.nats } : {}),
        argv,
      };
      const step = {
        fresh: (style: Style) => `${style}: fresh system, ${rate(load.rate)} orders/s for ${duration(load.durationMs)} by ${load.users} users`,
        seeding: () => `  stopped; seeding ${count(load.orders)} paid orders into its databases`,
        seeded: () => `  started again on them; the same load`,
      };
      const runs: GrowthRun[] = [];
      for (const style of flags.styles) {
        try {
          runs.push(
            await collectGrowth(style, {
              ...load,
              onStep: (s) => process.stdout.write(`${step[s](style)}\n`),
              onSeeded: (written) => process.stdout.isTTY && process.stdout.write(`\r  ${count(written)} of ${count(load.orders)}`),
            }),
          );
          if (process.stdout.isTTY) process.stdout.write('\n');
          process.stdout.write(`  ${renderSeeding(runs.at(-1)!)}\n`);
        } catch (error) {
          // The other styles still run; the exit code says one could not.
          process.stderr.write(`interplay: growth ${style}: ${(error as Error).message.split('\n')[0]}\n`);
          process.exitCode = EXIT_FAILED;
        }
      }
      if (runs.length === 0) return;
      process.stdout.write(`\n${renderGrowthTable(runs)}\n\n`);
      const saved = { schema: 'interplay/growth@1', argv, runs: runs.map((run) => ({ ...run, figures: growthFigures(run) })) };
      process.stdout.write(`saved ${await writeAtomic(join(out, 'growth.json'), `${JSON.stringify(saved, null, 2)}\n`)}\n`);
    });
}
