import { readFile } from 'node:fs/promises';
import type { Ceiling } from '../analyse/ceiling.ts';
import type { FindMaxResult } from '../measure/bench/find-max.ts';
import type { Calibration } from '../model/calibration.ts';
import type { RunReport } from '../model/schema.ts';
import type { Style } from '../model/style.ts';
import { UsageError } from './errors.ts';
import { duration } from '../report/format.ts';

export interface CalibrationFlags {
  /** a saved `interplay calibrate --json` */
  readonly calibration?: string;
  /** measure the primitives before the load */
  readonly calibrate?: boolean;
  readonly nats?: string;
  readonly cores?: number;
}

/** Measures the primitives, one progress line per primitive on `out`, and each style's ceiling from its known hops. */
export async function measureCalibration(
  flags: { readonly duration?: number; readonly nats?: string; readonly cores?: number },
  out: NodeJS.WritableStream,
): Promise<{ calibration: Calibration; ceilings: Record<Style, Ceiling> }> {
  const { calibrate } = await import('../measure/calibrate/index.ts');
  const { knownCeilings } = await import('../analyse/ceiling.ts');
  const calibration = await calibrate({
    durationMs: flags.duration,
    natsUrl: flags.nats,
    cores: flags.cores,
    onPrimitive: (name) => out.write(`calibrate: ${name} for ${duration(flags.duration ?? 3000)}\n`),
  });
  return { calibration, ceilings: knownCeilings(calibration) };
}

/**
 * The calibration bench and compare put their runs against: read from --calibration FILE (a bad
 * file is a usage error, found before any load starts), measured first with --calibrate, else none.
 */
export async function calibrationOf(flags: CalibrationFlags, out: NodeJS.WritableStream): Promise<Calibration | undefined> {
  if (flags.calibration !== undefined && flags.calibrate) throw new UsageError('--calibration FILE and --calibrate are two ways to the same thing; give one');
  if (flags.calibration !== undefined) {
    const { parseCalibration } = await import('../report/calibration.ts');
    const path = flags.calibration;
    const text = await readFile(path, 'utf8').catch((error: unknown) => {
      throw new UsageError(`cannot read the calibration ${path}: ${(error as Error).message}`, { cause: error });
    });
    let calibration: Calibration;
    try {
      calibration = parseCalibration(text, path);
    } catch (error) {
      throw new UsageError((error as Error).message, { cause: error });
    }
    // --cores says how many cores the ceiling spreads over, whatever the file measured on.
    return flags.cores === undefined ? calibration : { ...calibration, cores: flags.cores };
  }
  if (flags.calibrate) return (await measureCalibration({ nats: flags.nats, cores: flags.cores }, out)).calibration;
  return undefined;
}

/** Each outcome's run with its place against the machine's ceiling; a ramp's highest rate held is its held rate. */
export async function withCeilings<O extends { readonly run: RunReport | null; readonly ramp?: FindMaxResult }>(
  outcomes: readonly O[],
  calibration: Calibration | undefined,
): Promise<O[]> {
  if (!calibration) return [...outcomes];
  const { withCeiling } = await import('../analyse/ceiling.ts');
  return outcomes.map((o) => {
    if (!o.run) return o;
    const run = withCeiling(o.run, calibration, o.ramp?.maxRate);
    return { ...o, run, ...(o.ramp ? { ramp: { ...o.ramp, run } } : {}) };
  });
}
