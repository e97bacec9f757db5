import type { LatencySummary } from './histogram.ts';
import { validateSchedule } from './schedule.ts';
import type { Arrivals } from './schedule.ts';
import type { LoadCounts, LoadResponse, LoadTick, WarmupCounts } from './tally.ts';

export interface RequestContext {
  /** when this request was meant to be sent, on `clock.now()` (ms) */
  readonly intendedAt: number;
  /** true if `intendedAt` falls in the warm-up: the request is sent but not counted */
  readonly warmup: boolean;
  /** aborted when the drain deadline passes or the run fails */
  readonly signal: AbortSignal;
}

export interface CompletionInfo {
  /** on `clock.now()` (ms) */
  readonly completedAt: number;
  readonly warmup: boolean;
}

interface CommonLoadOptions {
  /** Sends request number `i` (0, 1, 2… in send order). A rejection is counted by its `code` or `name`. */
  readonly request: (i: number, ctx: RequestContext) => Promise<LoadResponse>;
  /** Called for every response, warm-up included, so the caller can correlate (e.g. order ids). Throwing fails the run. */
  readonly onResponse?: (i: number, intendedAt: number, response: LoadResponse, info: CompletionInfo) => void;
  /** Called for every rejected request. Throwing fails the run. */
  readonly onError?: (i: number, intendedAt: number, error: unknown, info: CompletionInfo) => void;
  /** ms of the measured window, after the warm-up */
  readonly durationMs: number;
  /** ms before the measured window whose requests are sent but left out of the statistics; default 0 */
  readonly warmupMs?: number;
  /** ms to wait for in-flight requests after the window; the rest are aborted and counted `unfinished`; default 10000 */
  readonly drainTimeoutMs?: number;
  /** ms between `tick` events; default 1000 */
  readonly tickIntervalMs?: number;
}

/** Arrivals follow a schedule whatever the system does; latency runs from each intended send time. */
export interface OpenLoadOptions extends CommonLoadOptions {
  readonly mode: 'open';
  /** intended requests per second */
  readonly rate: number;
  /** default 'uniform' */
  readonly arrivals?: Arrivals;
  /** PRNG seed for 'poisson'; default 1 */
  readonly seed?: number;
  /** requests allowed in flight; one due beyond it is dropped, not queued; default 10000 */
  readonly maxInflight?: number;
}

/** `connections` loops, each sending its next request when the previous one finishes. */
export interface ClosedLoadOptions extends CommonLoadOptions {
  readonly mode: 'closed';
  /** concurrent loops */
  readonly connections: number;
}

export type LoadOptions = OpenLoadOptions | ClosedLoadOptions;

/** An open loop at `rate` for `durationMs`, as an order load's options set it; the rest is the caller's. */
export function openLoop(opts: { readonly rate: number; readonly seed: number; readonly maxInflight: number; readonly durationMs: number }) {
  return { mode: 'open' as const, rate: opts.rate, seed: opts.seed, maxInflight: opts.maxInflight, durationMs: opts.durationMs };
}

export interface LoadDurations {
  readonly warmupMs: number;
  /** planned measured window */
  readonly plannedMs: number;
  /** actual measured window: shorter if stopped early */
  readonly measuredMs: number;
  /** from the end of the window until the last request finished or the drain deadline */
  readonly drainMs: number;
  /** from start to result */
  readonly totalMs: number;
}

export interface LoadResult extends LoadCounts {
  readonly mode: 'open' | 'closed';
  /** wall-clock start, ISO 8601 */
  readonly startedAt: string;
  /** per s over the measured window: open, arrivals scheduled; closed, requests sent */
  readonly offered: number;
  /** per s: requests actually sent in the measured window */
  readonly sendRate: number;
  /** per s: completions that happened during the measured window (like autocannon's req/s) */
  readonly throughput: number;
  /** ms from intended send to response, responses with status < 400 only */
  readonly accept: LatencySummary;
  /** `accept` as an encoded HdrHistogram (µs), see `LatencyHistogram.decode` */
  readonly acceptHistogram: string;
  /** ms from intended to actual send: the generator's own lag (0 in closed mode) */
  readonly sendLag: LatencySummary;
  readonly warmup: WarmupCounts;
  readonly durations: LoadDurations;
  /** true if `stop()` ended the window early */
  readonly stopped: boolean;
}

export interface LoadEvents {
  tick: [LoadTick];
  done: [LoadResult];
  error: [Error];
}

/** Throws a RangeError (or TypeError) naming the bad option; `runLoad` calls it, a CLI can call it first. */
export function validateLoad(opts: LoadOptions): void {
  const nonNegative = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) throw new RangeError(`${name} must be >= 0, got ${v}`);
  };
  const positiveInt = (name: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) {
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
  };
  if (typeof opts.request !== 'function') throw new TypeError('request must be a function');
  nonNegative('durationMs', opts.durationMs);
  if (opts.durationMs === undefined) throw new RangeError('durationMs is required');
  nonNegative('warmupMs', opts.warmupMs);
  nonNegative('drainTimeoutMs', opts.drainTimeoutMs);
  positiveInt('tickIntervalMs', opts.tickIntervalMs);
  switch (opts.mode) {
    case 'open':
      validateSchedule({
        rate: opts.rate,
        durationMs: opts.durationMs,
        arrivals: opts.arrivals ?? 'uniform',
        seed: opts.seed ?? 1,
      });
      positiveInt('maxInflight', opts.maxInflight);
      return;
    case 'closed':
      positiveInt('connections', opts.connections);
      if (opts.connections === undefined) throw new RangeError('connections is required');
      return;
    default: {
      const never: never = opts;
      throw new RangeError(`unknown mode: ${String((never as { mode: unknown }).mode)}`);
    }
  }
}
