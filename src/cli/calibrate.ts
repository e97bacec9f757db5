import { Command, InvalidArgumentError, Option } from 'commander';
import { availableParallelism } from 'node:os';
import { asUsageError } from './errors.ts';
import { natsOption, parseDuration, positiveInt } from './options.ts';
import { stopEverythingOnSignal } from './signals.ts';

export interface CalibrateFlags {
  readonly duration: number;
  readonly nats?: string;
  readonly cores?: number;
  readonly json?: boolean;
}

/** ms; longer would only wait: the medians settle within a few seconds */
const MAX_DURATION_MS = 60_000;

/** a duration above 0 and at most a minute, for each primitive's measured run */
export function parsePrimitiveDuration(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0 || ms > MAX_DURATION_MS) throw new InvalidArgumentError('must be a duration above 0 and at most 60s, such as 500ms or 3s.');
  return ms;
}

export const coresOption = (): Option =>
  new Option('--cores <n>', `cores the ceiling spreads CPU over (default: this machine's, ${availableParallelism()})`).argParser(positiveInt(1024));

export function registerCalibrate(cli: Command): void {
  cli
    .command('calibrate')
    .description("measure this machine's primitives (an HTTP call, a JetStream round, a SQLite commit, a Fastify hello) and each style's ceiling")
    .addOption(new Option('--duration <time>', 'how long each primitive is measured').argParser(parsePrimitiveDuration).default(3000, '3s'))
    .addOption(natsOption())
    .addOption(coresOption())
    .option('--json', 'print the calibration as JSON on stdout (save it for bench and compare --calibration FILE); progress goes to stderr')
    .action(async (flags: CalibrateFlags) => {
      const { measureCalibration } = await import('./calibration.ts');
      stopEverythingOnSignal();
      const { calibration, ceilings } = await measureCalibration(flags, flags.json ? process.stderr : process.stdout).catch((error: unknown) => {
        throw asUsageError(error);
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ ...calibration, ceilings }, null, 2)}\n`);
      } else {
        const { renderCalibration } = await import('../report/calibration.ts');
        process.stdout.write(renderCalibration(calibration, ceilings));
      }
    });
}
