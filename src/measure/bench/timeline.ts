import type { TimelineSecond } from '../../model/schema.ts';
import type { LoadTick } from '../engine/tally.ts';

/**
 * Counts a run per second from what the bench already sees: the engine's ticks (what was
 * offered), the accepted responses and the sink's delivery times, all on `clock.now()`.
 */
export interface TimelineRecorder {
  tick(tick: LoadTick): void;
  /** an accepted order: when its response came (clock ms) and its accept latency (ms) */
  accepted(at: number, latencyMs: number): void;
  /**
   * The rows from second 0 to the last event. `offeredTotal` is what the engine offered in all;
   * what no tick reported yet (the last part-second) goes in the second after the last tick.
   */
  build(offeredTotal: number, completedAt: Iterable<number>): TimelineSecond[];
}

/** `origin`: the clock time the load starts, i.e. `now()` just before `runLoad` */
export function recordTimeline(origin: number): TimelineRecorder {
  const offered: number[] = [];
  const latencies: number[][] = [];
  let offeredSoFar = 0;
  let lastTickMs = 0;
  const second = (ms: number): number => Math.max(0, Math.floor(ms / 1000));

  return {
    tick(tick) {
      // A late timer can fire well past the second's end, so count the interval by its middle.
      const s = second((lastTickMs + tick.elapsedMs) / 2);
      const total = tick.sent + tick.dropped;
      offered[s] = (offered[s] ?? 0) + (total - offeredSoFar);
      offeredSoFar = total;
      lastTickMs = tick.elapsedMs;
    },
    accepted(at, latencyMs) {
      const s = second(at - origin);
      (latencies[s] ??= []).push(latencyMs);
    },
    build(offeredTotal, completedAt) {
      const rest = offeredTotal - offeredSoFar;
      if (rest > 0) {
        const s = second(lastTickMs);
        offered[s] = (offered[s] ?? 0) + rest;
      }
      const completed: number[] = [];
      for (const at of completedAt) {
        const s = second(at - origin);
        completed[s] = (completed[s] ?? 0) + 1;
      }
      const length = Math.max(offered.length, latencies.length, completed.length);
      return Array.from({ length }, (_, t) => {
        const sorted = (latencies[t] ?? []).sort((a, b) => a - b);
        return {
          t,
          offered: offered[t] ?? 0,
          accepted: sorted.length,
          completed: completed[t] ?? 0,
          acceptP50: rank(sorted, 0.5),
          acceptP99: rank(sorted, 0.99),
        };
      });
    },
  };
}

/** nearest-rank percentile of sorted ms values, to the µs like the histograms; null for none */
function rank(sorted: readonly number[], q: number): number | null {
  const v = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
  return v === undefined ? null : Math.round(Math.max(0, v) * 1000) / 1000;
}
