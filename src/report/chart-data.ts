import { LatencyHistogram } from '../measure/engine/histogram.ts';
import type { RunReport } from '../model/schema.ts';

/** The rows the charts plot and their tables list: derived from saved runs only, never re-measured. */

export type LatencyKind = 'accept' | 'completion';

export interface CurvePoint {
  readonly style: string;
  /** -log10(1 - p/100): 0 = p0, 1 = p90, 2 = p99, 3 = p99.9 */
  readonly nines: number;
  readonly percentile: number;
  readonly ms: number;
}

/** the deepest nines drawn: past p99.999 a curve shows single samples, not a distribution */
const MAX_NINES = 5;
const NINES_STEP = 0.1;

/**
 * A percentile curve from the saved HDR histogram, up to the deepest percentile its count can
 * tell apart from the max (1 in `count`), ending at the max itself.
 */
export function latencyCurve(run: RunReport, kind: LatencyKind): CurvePoint[] {
  const h = LatencyHistogram.decode(run.histograms[kind]);
  if (h.count === 0) return [];
  const deepest = Math.min(Math.log10(h.count), MAX_NINES);
  const points: CurvePoint[] = [];
  for (let i = 0; i * NINES_STEP < deepest; i++) {
    const nines = Number((i * NINES_STEP).toFixed(1));
    const percentile = 100 * (1 - 10 ** -nines);
    points.push({ style: run.style, nines, percentile: Number(percentile.toFixed(4)), ms: h.valueAt(percentile) });
  }
  points.push({ style: run.style, nines: Number(deepest.toFixed(3)), percentile: 100, ms: run.latency[kind].max });
  return points;
}

/** one part of a style's per-order cost: a route, a subject or a process */
export interface PerOrderPart {
  readonly style: string;
  readonly part: string;
  readonly perOrder: number;
}

export type Breakdown = 'reads' | 'messages' | 'cpu';

/**
 * Per order, split by what it is spent on. Reads and messages are saved as totals with one
 * per-order figure, so each part gets the same divisor as that figure.
 */
export function perOrderParts(runs: readonly RunReport[], breakdown: Breakdown): PerOrderPart[] {
  return runs.flatMap((run) => {
    switch (breakdown) {
      case 'reads':
        return scaled(run.style, run.readLoad.byService, run.readLoad.total, run.readLoad.perOrder);
      case 'messages': {
        const counts = Object.fromEntries(Object.entries(run.messages.bySubject).map(([s, v]) => [s, v.messages]));
        return scaled(run.style, counts, run.messages.total, run.messages.perOrder);
      }
      case 'cpu':
        return Object.entries(run.cost.byService).map(([part, cost]) => ({ style: run.style, part, perOrder: cost.cpuMsPerOrder }));
      default: {
        const never: never = breakdown;
        throw new Error(`unknown breakdown ${String(never)}`);
      }
    }
  });
}

function scaled(style: string, counts: Readonly<Record<string, number>>, total: number, perOrder: number): PerOrderPart[] {
  const factor = total > 0 ? perOrder / total : 0;
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([part, n]) => ({ style, part, perOrder: n * factor }));
}

export interface SeriesPoint {
  /** seconds since the load started */
  readonly t: number;
  readonly series: string;
  readonly value: number;
}

/** offered, accepted and completed orders per second; empty for a run saved without a timeline */
export function throughputSeries(run: RunReport): SeriesPoint[] {
  return (run.timeline ?? []).flatMap((s) => [
    { t: s.t, series: 'offered', value: s.offered },
    { t: s.t, series: 'accepted', value: s.accepted },
    { t: s.t, series: 'completed', value: s.completed },
  ]);
}

/** accept p50 and p99 per second (ms), leaving out seconds in which nothing was accepted */
export function acceptLatencySeries(run: RunReport): SeriesPoint[] {
  return (run.timeline ?? []).flatMap((s) => [
    ...(s.acceptP50 === null ? [] : [{ t: s.t, series: 'accept p50', value: s.acceptP50 }]),
    ...(s.acceptP99 === null ? [] : [{ t: s.t, series: 'accept p99', value: s.acceptP99 }]),
  ]);
}
