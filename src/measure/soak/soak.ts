import type { Style } from '../../model/style.ts';
import type { NatsReading, NatsWindow, ProcessReading, ProcessWindow } from '../engine/runtime-stats.ts';

/** What `interplay soak` was asked for. */
export interface SoakOptions {
  readonly style: Style;
  /** orders per second, open loop */
  readonly rate: number;
  /** ms of load */
  readonly durationMs: number;
  /** ms per sample (one table row); at most durationMs */
  readonly windowMs: number;
  /** users registered and funded before the load */
  readonly users: number;
  /** seeds who orders what, as bench's --seed */
  readonly seed: number;
  /** fraction of orders the user cannot afford */
  readonly insufficient: number;
  /** sends due beyond this many open requests are dropped and counted as shed */
  readonly maxInflight: number;
}

/** The ms at which each window ends: every `windowMs`, the last one at `durationMs` (it may be shorter). */
export function windowEnds(durationMs: number, windowMs: number): number[] {
  const ends: number[] = [];
  for (let end = windowMs; end < durationMs; end += windowMs) ends.push(end);
  ends.push(durationMs);
  return ends;
}

/** Least-squares slope of y over x; 0 with fewer than two distinct x. */
export function slope(points: readonly { readonly x: number; readonly y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxx === 0 ? 0 : sxy / sxx;
}

/** share of the series' mean that growth must exceed, both as a trend and from first to last */
export const GROWTH_TOLERANCE = 0.1;

export type TrendVerdict = 'flat' | 'grows' | 'too few windows' | 'not measured';

export interface Trend {
  /** the value in the first window after the warm-up window; null when not measured */
  readonly first: number | null;
  readonly last: number | null;
  /** least squares over the windows after the first, per minute */
  readonly slopePerMinute: number | null;
  readonly mean: number | null;
  readonly verdict: TrendVerdict;
}

/**
 * Flat or growing, over the samples after the warm-up window (`t` in minutes, e.g. each window's
 * middle). It grows when the fitted trend over the span (slope × minutes) and the change from the
 * first to the last sample both exceed the tolerance: 10 % of the mean, and at least `floor`, so a
 * series near zero (a backlog of 0 to 3) does not grow on noise. Needing both keeps one noisy
 * window before the last (a late GC, a WAL checkpoint) from making a verdict alone. Relative to
 * the mean, the same slope can be flat in a short run and grow in a long one: that is the point of a soak.
 */
export function trendOf(samples: readonly { readonly t: number; readonly value: number | null }[], floor: number): Trend {
  const points = samples.flatMap((s) => (s.value === null || !Number.isFinite(s.value) ? [] : [{ x: s.t, y: s.value }]));
  const none = { first: null, last: null, slopePerMinute: null, mean: null };
  if (points.length === 0) return { ...none, verdict: samples.length < 2 ? 'too few windows' : 'not measured' };
  const first = points[0]!;
  const last = points.at(-1)!;
  const mean = points.reduce((a, p) => a + p.y, 0) / points.length;
  if (points.length < 2) return { first: first.y, last: last.y, slopePerMinute: null, mean, verdict: 'too few windows' };
  const perMinute = slope(points);
  const tolerance = Math.max(GROWTH_TOLERANCE * Math.abs(mean), floor);
  const grows = perMinute * (last.x - first.x) > tolerance && last.y - first.y > tolerance;
  return { first: first.y, last: last.y, slopePerMinute: perMinute, mean, verdict: grows ? 'grows' : 'flat' };
}

/** How the verdicts are made, as the output states it. */
export const TREND_RULE =
  `a series grows when, over the windows after the first (warm-up), both its least-squares trend × the minutes they span ` +
  `and its change from the first to the last window exceed ${GROWTH_TOLERANCE * 100} % of its mean (and the floor shown); otherwise it is flat`;

/** What the system looked like at a window's end. */
export interface SoakSample {
  /** CPU time so far of the system and nats-server together, ms */
  readonly cpuMs: number;
  readonly systemRssBytes: number | null;
  /** null without a private nats-server (rest) */
  readonly natsRssBytes: number | null;
  /** over every stream and consumer of the private nats-server; null for rest */
  readonly broker: { readonly backlog: number; readonly messages: number; readonly bytes: number } | null;
  /** every file under the system's data directory: the databases with their -wal and -shm files */
  readonly dbBytes: number;
  /** each process of the system, and the load generator ('load generator') */
  readonly processes: readonly ProcessReading[];
  /** each write-ahead log's size, by path under the data directory */
  readonly walBytes: Readonly<Record<string, number>>;
  /** nats-server's /varz and /jsz; null for rest */
  readonly nats: NatsReading | null;
}

/**
 * One window of a soak. Counts are of what happened in the window (offered by intended send
 * time, accepted/failed/shed by answer time, completed by delivery time); the completion
 * latency is of the orders sent in it.
 */
export interface SoakWindow {
  /** 0 is the warm-up window, left out of the trends */
  readonly index: number;
  /** s since the load started */
  readonly startS: number;
  readonly endS: number;
  readonly offered: number;
  /** answered 201 */
  readonly accepted: number;
  /** first deliveries the sink received */
  readonly completed: number;
  readonly failed: number;
  readonly shed: number;
  /** orders sent in the window still unanswered or undelivered when the row was made; not in the latency */
  readonly late: number;
  /** ms from intended send to delivery, of the orders sent in the window */
  readonly completion: { readonly count: number; readonly p50: number; readonly p99: number };
  /** Δ CPU of the system and nats-server / completed; null when nothing completed */
  readonly cpuMsPerOrder: number | null;
  readonly systemRssBytes: number | null;
  readonly natsRssBytes: number | null;
  /** num_pending + num_ack_pending over every consumer; null for rest */
  readonly backlog: number | null;
  readonly streamMessages: number | null;
  readonly streamBytes: number | null;
  readonly dbBytes: number;
  /** orders accepted so far */
  readonly ordersStored: number;
  /** Δ dbBytes / accepted; null when nothing was accepted */
  readonly dbBytesPerOrder: number | null;
  /** each process over the window: event-loop delay, GC pauses by kind, SQLite checkpoints */
  readonly processes: readonly ProcessWindow[];
  /** each write-ahead log's size at the window's end, by path under the data directory */
  readonly walBytes: Readonly<Record<string, number>>;
  /** nats-server over the window; null for rest */
  readonly nats: NatsWindow | null;
}

/** the process that sends the load and receives the deliveries, not part of the system */
export const LOAD_GENERATOR = 'load generator';

const systemOnly = (w: SoakWindow) => w.processes.filter((p) => p.process !== LOAD_GENERATOR);
const most = (values: readonly number[]): number | null => (values.length === 0 ? null : Math.max(...values));

/** The longest event-loop delay of any of the system's processes in the window, ms; null when none reported one. */
export const loopDelayMaxMs = (w: SoakWindow): number | null => most(systemOnly(w).flatMap((p) => (p.loopDelay ? [p.loopDelay.maxMs] : [])));
/** The highest p99 event-loop delay of the system's processes, ms. */
export const loopDelayP99Ms = (w: SoakWindow): number | null => most(systemOnly(w).flatMap((p) => (p.loopDelay ? [p.loopDelay.p99Ms] : [])));
/** The load generator's longest event-loop delay, ms: a stall there delays sends and delivery times, not the system. */
export const generatorDelayMaxMs = (w: SoakWindow): number | null =>
  most(w.processes.filter((p) => p.process === LOAD_GENERATOR).flatMap((p) => (p.loopDelay ? [p.loopDelay.maxMs] : [])));
/** The longest GC pause of the system's processes, any kind (at most this, a bucket's bound), ms; 0 when none. */
export const gcLongestMs = (w: SoakWindow): number => most(systemOnly(w).flatMap((p) => Object.values(p.gc).map((g) => g.longestMs))) ?? 0;
/** Every major GC's pause time in the system's processes, ms. */
export const gcMajorMs = (w: SoakWindow): number => systemOnly(w).reduce((a, p) => a + (p.gc['major']?.totalMs ?? 0), 0);
/** The longest SQLite checkpoint on a thread (at most this, a bucket's bound), ms; null when none ran. */
export const checkpointLongestMs = (w: SoakWindow, thread: 'worker' | 'eventLoop'): number | null =>
  most(systemOnly(w).flatMap((p) => p.checkpoints[thread]?.longestMs ?? []));
/** Every write-ahead log together, bytes. */
export const walTotalBytes = (w: SoakWindow): number => Object.values(w.walBytes).reduce((a, b) => a + b, 0);

/** One series the summary judges, in the unit it is shown in. */
export interface SoakSeries {
  readonly name: string;
  readonly unit: string;
  /** growth at or below this never counts, whatever the mean (see `trendOf`) */
  readonly floor: number;
  readonly value: (w: SoakWindow) => number | null;
}

const MiB = 2 ** 20;
const inMiB = (bytes: number | null): number | null => (bytes === null ? null : bytes / MiB);

/** Issue 10's series. Floors are about what one noisy window moves on a quiet 2-core machine. */
export const SOAK_SERIES: readonly SoakSeries[] = [
  { name: 'CPU per order', unit: 'ms', floor: 0.1, value: (w) => w.cpuMsPerOrder },
  { name: 'completion p99', unit: 'ms', floor: 5, value: (w) => (w.completion.count > 0 ? w.completion.p99 : null) },
  { name: 'system RSS', unit: 'MiB', floor: 2, value: (w) => inMiB(w.systemRssBytes) },
  { name: 'nats-server RSS', unit: 'MiB', floor: 2, value: (w) => inMiB(w.natsRssBytes) },
  { name: 'consumer backlog', unit: 'messages', floor: 50, value: (w) => w.backlog },
  { name: 'stream bytes', unit: 'MiB', floor: 1, value: (w) => inMiB(w.streamBytes) },
  { name: 'DB bytes per order', unit: 'B', floor: 64, value: (w) => w.dbBytesPerOrder },
  { name: 'event-loop delay max', unit: 'ms', floor: 20, value: loopDelayMaxMs },
];

export interface SeriesTrend extends Trend {
  readonly series: string;
  readonly unit: string;
  readonly floor: number;
}

/** Each series' trend over the windows after the first, against the middle of each window in minutes. */
export function soakTrends(windows: readonly SoakWindow[]): SeriesTrend[] {
  const after = windows.filter((w) => w.index > 0);
  return SOAK_SERIES.map((s) => ({
    series: s.name,
    unit: s.unit,
    floor: s.floor,
    ...trendOf(
      after.map((w) => ({ t: (w.startS + w.endS) / 120, value: s.value(w) })),
      s.floor,
    ),
  }));
}

/** Issue 16's bounds for a soak at half the held rate. */
export const SOAK_TARGETS = { p99OverMedian: 2, shed: 0, loopDelayMs: 100 } as const;

export interface SoakTarget {
  readonly target: string;
  /** what was measured, in the target's terms; null when nothing was */
  readonly measured: number | null;
  readonly bound: number;
  readonly met: boolean | null;
}

const median = (values: readonly number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * The stall targets, judged over the windows after the warm-up (sheds over every window: a request
 * refused at the start is refused all the same): the worst window's p99 completion against the
 * median window's, the requests shed, and the longest event-loop delay of any system process.
 */
export function soakTargets(windows: readonly SoakWindow[]): SoakTarget[] {
  const after = windows.filter((w) => w.index > 0);
  const p99s = after.flatMap((w) => (w.completion.count > 0 ? [w.completion.p99] : []));
  const mid = median(p99s);
  const ratio = mid === null || mid === 0 ? null : Math.max(...p99s) / mid;
  const delays = after.flatMap((w) => loopDelayMaxMs(w) ?? []);
  const delay = delays.length === 0 ? null : Math.max(...delays);
  const shed = windows.reduce((a, w) => a + w.shed, 0);
  const judged = (target: string, measured: number | null, bound: number): SoakTarget => ({ target, measured, bound, met: measured === null ? null : measured <= bound });
  return [
    judged('worst window p99 ÷ median window p99', ratio, SOAK_TARGETS.p99OverMedian),
    judged('requests shed', shed, SOAK_TARGETS.shed),
    judged('longest event-loop delay, ms', delay, SOAK_TARGETS.loopDelayMs),
  ];
}
