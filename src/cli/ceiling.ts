import { Option, type Command } from 'commander';
import { join } from 'node:path';
import type { Calibration } from '../model/calibration.ts';
import type { RunReport } from '../model/schema.ts';
import { STYLES, type Style } from '../model/style.ts';
import { parsePrimitiveDuration } from './calibrate.ts';
import { asUsageError, UsageError } from './errors.ts';
import { parseStyles } from './fault-flags.ts';
import { addLoadFlags, benchOptions, type LoadFlags } from './load-flags.ts';
import { parseDuration } from './options.ts';
import { progress } from './progress.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { checkStoreFlags } from './store-flags.ts';
import { noColorFlag, terminalOf } from './terminal.ts';

interface CeilingFlags extends LoadFlags {
  readonly styles: Style[];
  readonly seconds: number;
  readonly half: number;
}

/** ms at most of each half-rate run */
const MAX_HALF_MS = 10 * 60_000;

/**
 * The ramp's workload when no flag says otherwise: short steps, few users and a quick drain, so the
 * three ramps take minutes, not an hour.
 */
const RAMP_DEFAULTS: Readonly<Record<string, readonly [unknown, string?]>> = {
  rate: [60],
  duration: [8_000, '8s'],
  users: [20],
  drain: [10_000, '10s'],
};

const REFUSED = new Set(['--connections', '--find-max', '--calibrate', '--json']);

export function registerCeiling(cli: Command): void {
  const command = addLoadFlags(
    cli
      .command('ceiling')
      .description(
        "how far each style is from this machine's limit: calibrate the primitives, ramp each style to the highest rate held within --slo, then run it at half that rate",
      )
      .addOption(new Option('--styles <list>', 'comma-separated styles').argParser(parseStyles).default([...STYLES], STYLES.join(',')))
      .addOption(new Option('--seconds <time>', 'how long each primitive is calibrated (unless --calibration FILE)').argParser(parsePrimitiveDuration).default(3_000, '3s'))
      .addOption(new Option('--half <time>', 'how long each run at half the rate held lasts').argParser(parseDuration).default(20_000, '20s')),
  );
  withDefaults(command, RAMP_DEFAULTS);
  // Shared load flags that do not fit a ramp of its own, refused below; left out of --help.
  for (const option of command.options) if (REFUSED.has(option.long ?? '')) option.hideHelp();
  command.action(async (flags: CeilingFlags, command: Command) => {
    checkStoreFlags(command, flags);
    if (flags.connections !== undefined) throw new UsageError('ceiling ramps the open loop; it cannot go with --connections');
    if (flags.findMax) throw new UsageError('ceiling always ramps; --find-max adds nothing');
    if (flags.calibrate) throw new UsageError('ceiling always calibrates first (or reads --calibration FILE); --calibrate adds nothing');
    if (flags.json) throw new UsageError('ceiling prints tables and saves every result as JSON in --out; it has no --json');
    if (flags.half <= 0 || flags.half > MAX_HALF_MS) throw new UsageError('--half must be above 0s and at most 10m');
    const argv = process.argv.slice(2);
    const options = benchOptions(flags, argv);
    stopEverythingOnSignal();
    // Loaded here, not at the top: --help and bad flags answer without loading the system.
    const { calibrationOf, measureCalibration, withCeilings } = await import('./calibration.ts');
    const { knownCeilings } = await import('../analyse/ceiling.ts');
    const { findMax } = await import('../measure/bench/find-max.ts');
    const { collectRun } = await import('../measure/bench/bench.ts');
    const { aggregate } = await import('../measure/bench/aggregate.ts');
    const { renderCalibration } = await import('../report/calibration.ts');
    const { renderCeilingRamps, renderHalfRates } = await import('../report/ceiling.ts');
    const { compareRepeats, defaultReportDir, writeReports, writeRunReport } = await import('../report/index.ts');
    const { writeAtomic } = await import('../report/files.ts');
    const { mkdir } = await import('node:fs/promises');
    const print = (text: string) => process.stdout.write(`${text}\n`);
    const terminal = terminalOf(process.stderr, { noColor: noColorFlag(command) });
    const dir = flags.out ?? `${defaultReportDir(new Date())}-ceiling`;
    await mkdir(dir, { recursive: true });

    let calibration: Calibration;
    try {
      calibration =
        (await calibrationOf(flags, process.stdout)) ??
        (await measureCalibration({ duration: flags.seconds, nats: flags.nats, cores: flags.cores }, process.stdout)).calibration;
    } catch (error) {
      throw asUsageError(error);
    }
    const calibrationFile = join(dir, 'calibration.json');
    await writeAtomic(calibrationFile, `${JSON.stringify({ ...calibration, ceilings: knownCeilings(calibration) }, null, 2)}\n`);
    print(`\n${renderCalibration(calibration, knownCeilings(calibration))}\n`);

    const measured = async <T>(style: Style, run: (live: ReturnType<typeof progress>) => Promise<T>): Promise<T> => {
      const live = progress(process.stderr, terminal, style);
      try {
        return await run(live);
      } catch (error) {
        throw asUsageError(error);
      } finally {
        live.done();
      }
    };
    const ramps = [];
    for (const style of flags.styles) {
      const ramp = await measured(style, (live) =>
        findMax({
          ...options,
          style,
          sloMs: flags.slo,
          startRate: flags.rate,
          onPhase: live.phase,
          onTick: live.tick,
          onStep: (s) => {
            live.done();
            process.stderr.write(`${style}: ${s.rate}/s ${s.held ? 'held' : `not held: ${s.reason}`}\n`);
          },
        }),
      );
      ramps.push({ run: ramp.run, ramp });
    }
    const judged = await withCeilings(ramps, calibration);
    const held = judged.flatMap((o) => (o.run ? [o.run] : []));
    if (held.length > 0) await writeReports(join(dir, 'compare'), compareRepeats(held, new Date().toISOString()));
    print(renderCeilingRamps(judged.map((o) => ({ style: o.ramp.style, run: o.run })), calibration));

    // Half the rate held, each style on its own system, with the same workload options as the ramp.
    const halves: { style: Style; rate: number; run: RunReport }[] = [];
    for (const { ramp, run } of judged) {
      const heldRate = run?.ceiling?.heldRate;
      if (!heldRate) continue;
      const style = ramp.style as Style;
      const rate = Math.max(1, Math.round(heldRate / 2));
      const raw = await measured(style, (live) =>
        collectRun({ ...options, style, mode: 'open', rate, durationMs: flags.half, onPhase: live.phase, onTick: live.tick }),
      );
      const [half] = await withCeilings([{ run: aggregate(raw) }], calibration);
      await writeRunReport(join(dir, `half-${style}`), half!.run);
      halves.push({ style, rate, run: half!.run });
    }
    print(`\n${renderHalfRates(halves)}`);
    // A benchmark: a style that held no rate is a result to read, not a failed command (exit 0).
    print(`\nreports in ${dir}`);
  });
}

/** Sets the defaults of options a shared helper added, in --help and in the values parsed. */
function withDefaults(command: Command, defaults: Readonly<Record<string, readonly [unknown, string?]>>): void {
  for (const option of command.options) {
    const value = defaults[option.attributeName()];
    if (!value) continue;
    option.default(value[0], value[1]);
    command.setOptionValueWithSource(option.attributeName(), value[0], 'default');
  }
}
