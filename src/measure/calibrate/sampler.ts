import { performance } from 'node:perf_hooks';

/** One interval of a saturation run. */
export interface Sample {
  /** ms the interval lasted */
  readonly ms: number;
  readonly ops: number;
  /** CPU ms spent in the interval by every process measured */
  readonly cpuMs: number;
}

/** What a primitive sustains at saturation: medians of the per-interval samples. */
export interface Saturation {
  /** operations per second, median of the samples */
  readonly perSecond: number;
  /** µs of CPU per operation, median of the samples */
  readonly cpuUsPerOp: number;
  /** operations completed in the whole run */
  readonly ops: number;
  readonly samples: readonly Sample[];
}

export interface SaturateOptions {
  /** ms the measured run lasts */
  readonly durationMs: number;
  /** closed loops running `op` at once */
  readonly concurrency: number;
  /** one operation; resolves when it is complete */
  readonly op: () => Promise<void>;
  /** CPU ms so far of everything the primitive runs on (this process, a broker) */
  readonly cpuMs: () => Promise<number> | number;
  /**
   * operations run before the measured window and left out; default 5000. V8 optimises a function
   * after some thousands of calls: measured from a cold start, an HTTP call through the services'
   * stack costs several times its steady CPU for the first second.
   */
  readonly warmupOps?: number;
  /** ms; the warm-up ends here even short of warmupOps, so a slow primitive still gets measured; default 3000 */
  readonly warmupMaxMs?: number;
}

/**
 * Per-second samples, shorter for a short run so there are still at least three of them
 * (a 500 ms smoke run samples every ~167 ms).
 */
export const sampleIntervalMs = (durationMs: number): number => Math.min(1000, durationMs / 3);

/**
 * Runs `concurrency` closed loops of `op`: a warm-up, then `durationMs` in which it samples operations
 * and CPU in intervals of `sampleIntervalMs`. Each loop checks the clock after each operation rather than a
 * timer firing: an operation that resolves without giving the event loop a turn (better-sqlite3 behind
 * Kysely) would starve a timer until the run ends.
 */
export async function saturate(opts: SaturateOptions): Promise<Saturation> {
  const interval = sampleIntervalMs(opts.durationMs);
  const warmupOps = opts.warmupOps ?? 5000;
  const warmUntil = performance.now() + (opts.warmupMaxMs ?? 3000);
  // set when the warm-up ends: the measured window runs from there
  let end = Number.POSITIVE_INFINITY;
  const samples: Sample[] = [];
  let ops = 0;
  let mark: { at: number; ops: number; cpuMs: number } | undefined;
  let sampling = false;

  const sample = async (): Promise<void> => {
    sampling = true;
    const cpuMs = await opts.cpuMs();
    const at = performance.now();
    if (mark) samples.push({ ms: at - mark.at, ops: ops - mark.ops, cpuMs: cpuMs - mark.cpuMs });
    mark = { at, ops, cpuMs };
    sampling = false;
  };
  const due = (now: number): boolean => !sampling && (mark === undefined || now - mark.at >= interval);

  const loop = async (): Promise<void> => {
    for (;;) {
      const now = performance.now();
      if (end === Number.POSITIVE_INFINITY && (ops >= warmupOps || now >= warmUntil)) end = now + opts.durationMs;
      if (now >= end) return;
      if (end !== Number.POSITIVE_INFINITY && due(now)) await sample();
      await opts.op();
      ops++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, loop));
  // The interval cut short by the end of the run still counts when it is at least half an interval long.
  if (mark && performance.now() - mark.at >= interval / 2) await sample();
  const full = samples.filter((s) => s.ops > 0);
  const total = full.reduce((n, s) => n + s.ops, 0);
  return {
    perSecond: median(full.map((s) => (s.ops * 1000) / s.ms)),
    cpuUsPerOp: median(full.map((s) => (s.cpuMs * 1000) / s.ops)),
    ops: total,
    samples,
  };
}

/** the middle value; the mean of the two middle ones for an even count; NaN for none */
export function median(values: readonly number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** this process's user + system CPU so far, ms */
export const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
