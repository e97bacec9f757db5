import { createRandom } from '../../model/random.ts';

export type Arrivals = 'uniform' | 'poisson';

export interface ScheduleOptions {
  /** intended requests per second; > 0 */
  readonly rate: number;
  /** ms covered by the schedule; offsets are in [0, durationMs) */
  readonly durationMs: number;
  /** 'uniform': evenly spaced, exactly rate × duration sends; 'poisson': exponential gaps, rate on average */
  readonly arrivals: Arrivals;
  /** PRNG seed for 'poisson'; ignored by 'uniform' */
  readonly seed: number;
}

/**
 * Intended send offsets in ms from the start of the run, ascending, lazily, so a long
 * run at a high rate never holds its whole schedule in memory.
 * The same options always give the same sequence.
 */
export function arrivalOffsets(opts: ScheduleOptions): Generator<number, void, undefined> {
  validateSchedule(opts); // here, not inside the generator, so bad options fail at the call
  return generate(opts);
}

function* generate(opts: ScheduleOptions): Generator<number, void, undefined> {
  const { rate, durationMs } = opts;
  const gapMs = 1000 / rate;
  switch (opts.arrivals) {
    case 'uniform': {
      // i × gap rather than a running sum, so float error does not accumulate.
      for (let i = 0; ; i++) {
        const t = i * gapMs;
        if (t >= durationMs) return;
        yield t;
      }
    }
    case 'poisson': {
      const rng = createRandom(opts.seed);
      let t = 0;
      for (;;) {
        // 1 - u is in (0, 1], so the log is finite.
        t += -Math.log(1 - rng.next()) * gapMs;
        if (t >= durationMs) return;
        yield t;
      }
    }
    default: {
      const never: never = opts.arrivals;
      throw new RangeError(`unknown arrivals: ${String(never)}`);
    }
  }
}

/** The whole schedule at once; convenient for tests and short runs. */
export function scheduleOffsets(opts: ScheduleOptions): Float64Array {
  return Float64Array.from(arrivalOffsets(opts));
}

export function validateSchedule(opts: ScheduleOptions): void {
  if (!(Number.isFinite(opts.rate) && opts.rate > 0)) throw new RangeError(`rate must be > 0 per s, got ${opts.rate}`);
  if (!(Number.isFinite(opts.durationMs) && opts.durationMs >= 0)) {
    throw new RangeError(`durationMs must be >= 0, got ${opts.durationMs}`);
  }
  if (opts.arrivals !== 'uniform' && opts.arrivals !== 'poisson') {
    throw new RangeError(`arrivals must be 'uniform' or 'poisson', got ${String(opts.arrivals)}`);
  }
  if (!Number.isFinite(opts.seed)) throw new RangeError(`seed must be a finite number, got ${opts.seed}`);
}
