import { Option, type Command } from 'commander';
import { STYLES, type Style } from '../model/style.ts';
import type { SoakWindow } from '../measure/soak/soak.ts';
import { asUsageError, UsageError } from './errors.ts';
import { loadOption, type LoadFlags } from './load-flags.ts';
import { parseDuration } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';

/** the workload flags of `bench` that apply to a soak */
type SoakFlags = Pick<LoadFlags, 'rate' | 'duration' | 'users' | 'seed' | 'insufficient' | 'maxInflight' | 'out'> & {
  readonly style: Style;
  readonly window: number;
};

/** 24 h: a soak longer than a day is better run as several, each with its own rows */
const MAX_SOAK_MS = 24 * 60 * 60_000;

export function registerSoak(cli: Command): void {
  cli
    .command('soak')
    .description('one system under one long steady load, a row per window (completion p99, CPU per order, memory, backlog, database size, event-loop delay, GC); says per series whether it stays flat')
    .addOption(new Option('--style <style>', 'interaction style').choices([...STYLES]).default('collaboration'))
    .addOption(loadOption.rate())
    .addOption(withHelp(loadOption.duration(), 'how long the load runs, e.g. 10m').default(600_000, '10m'))
    .addOption(new Option('--window <time>', 'one row per window (the first is the warm-up, left out of the trends)').argParser(parseDuration).default(30_000, '30s'))
    .addOption(loadOption.users().default(20))
    .addOption(loadOption.seed())
    .addOption(loadOption.insufficient())
    .addOption(loadOption.maxInflight())
    .option('--out <dir>', 'where soak.json goes, saved after every row (default reports/<timestamp>-soak)')
    .action(async (flags: SoakFlags) => {
      if (flags.duration > MAX_SOAK_MS) throw new UsageError('--duration of a soak must be at most 24h (1440m)');
      if (flags.window < 1000) throw new UsageError('--window must be at least 1s: each row samples every process of the system');
      if (flags.window > flags.duration) throw new UsageError('--window must not be longer than --duration');
      // Loaded here, not at the top: --help and bad flags answer without loading the system.
      const { runSoak } = await import('../measure/soak/soak-run.ts');
      const { soakTargets, soakTrends } = await import('../measure/soak/soak.ts');
      const { defaultReportDir } = await import('../report/index.ts');
      const { soakSaved, soakHead, soakLegend, soakRow, renderSoakSummary, renderSoakTargets } = await import('../report/soak.ts');
      const { writeAtomic } = await import('../report/files.ts');
      const { duration } = await import('../report/format.ts');
      const { mkdir } = await import('node:fs/promises');
      const { join } = await import('node:path');
      stopEverythingOnSignal();
      const out = flags.out ?? `${defaultReportDir(new Date())}-soak`;
      const opts = {
        style: flags.style,
        rate: flags.rate,
        durationMs: flags.duration,
        windowMs: flags.window,
        users: flags.users,
        seed: flags.seed,
        insufficient: flags.insufficient,
        maxInflight: flags.maxInflight,
      };
      const startedAt = new Date();
      await mkdir(out, { recursive: true });
      const file = join(out, 'soak.json');
      const windows: SoakWindow[] = [];
      const save = () => writeAtomic(file, soakSaved({ ...opts, out, argv: process.argv.slice(2) }, startedAt, windows));
      const print = (lines: string) => process.stdout.write(`${lines}\n`);
      print(`soak: ${opts.style} at ${opts.rate}/s for ${duration(opts.durationMs)}, a row every ${duration(opts.windowMs)}, ${opts.users} users`);
      try {
        await runSoak({
          ...opts,
          onPhase: (phase) => process.stderr.write(`  ${phase}\n`),
          onWindow: (w) => {
            if (windows.length === 0) print(soakHead().join('\n'));
            windows.push(w);
            print(soakRow(w));
            // Saved as it goes, so an interrupted soak keeps what it measured.
            void save().catch(() => undefined);
          },
        });
      } catch (error) {
        if (windows.length > 0) await save();
        throw asUsageError(error);
      }
      print(['', ...soakLegend(), ''].join('\n'));
      print('trends over the windows after the first (warm-up):');
      print(renderSoakSummary(soakTrends(windows)).join('\n'));
      print('\nthe stall targets (after the warm-up window; sheds over every window):');
      print(renderSoakTargets(soakTargets(windows)).join('\n'));
      await save();
      // A benchmark: a series that grows or a target missed is a number to read, not a failed command (exit 0).
      print(`\nsaved ${file}`);
    });
}

/** a shared option with the help line this command gives it */
function withHelp(option: Option, description: string): Option {
  option.description = description;
  return option;
}
