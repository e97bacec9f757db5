import type { TopLevelSpec } from 'vega-lite';
import { acceptLatencySeries, latencyCurve, perOrderParts, throughputSeries } from './chart-data.ts';
import type { Breakdown, LatencyKind } from './chart-data.ts';
import { latencyCurveSpec, perOrderSpec, timelineSpec } from './charts.ts';
import { count, mebibytes, NONE, sig3 } from './format.ts';
import type { RunReport } from '../model/schema.ts';

/** What the HTML report shows per chart: the spec and the table beside it, from the same rows. */
export interface Figure {
  /** stable, for the page's anchors and the tests */
  readonly id: string;
  readonly title: string;
  /** null when the saved runs hold nothing to draw; `note` then says why */
  readonly spec: TopLevelSpec | null;
  readonly note?: string;
  readonly table: SummaryTable;
}

export interface SummaryTable {
  readonly head: readonly string[];
  /** how many leading columns are names; the rest are numbers, right-aligned */
  readonly names: number;
  readonly rows: readonly (readonly string[])[];
}

export interface FigureGroup {
  readonly title: string;
  readonly figures: readonly Figure[];
}

export function figureGroups(runs: readonly RunReport[]): FigureGroup[] {
  return [
    { title: 'Latency by percentile', figures: [latencyFigure(runs, 'accept'), latencyFigure(runs, 'completion')] },
    { title: 'Over time', figures: runs.flatMap(timelineFigures) },
    {
      title: 'Cost per order',
      figures: [
        breakdownFigure(runs, 'reads', 'Service-to-service reads per order', 'requests per order', 'route'),
        breakdownFigure(runs, 'messages', 'Messages published per order', 'messages per order', 'subject'),
        breakdownFigure(runs, 'cpu', 'CPU per order', 'CPU ms per order', 'process'),
      ],
    },
  ];
}

const LATENCY_TITLES: Record<LatencyKind, string> = {
  accept: 'Accept latency: intended send to the response of POST /orders',
  completion: 'Completion latency: intended send to the user’s notification',
};

function latencyFigure(runs: readonly RunReport[], kind: LatencyKind): Figure {
  const title = LATENCY_TITLES[kind];
  const points = runs.flatMap((run) => latencyCurve(run, kind));
  return {
    id: `latency-${kind}`,
    title,
    ...(points.length > 0 ? { spec: latencyCurveSpec(title, points) } : { spec: null, note: 'No latencies were recorded.' }),
    table: {
      names: 1,
      head: ['style', 'count', 'p50 ms', 'p90 ms', 'p99 ms', 'p99.9 ms', 'max ms'],
      rows: runs.map((r) => {
        const p = r.latency[kind];
        return [r.style, count(p.count), sig3(p.p50), sig3(p.p90), sig3(p.p99), sig3(p.p999), sig3(p.max)];
      }),
    },
  };
}

function timelineFigures(run: RunReport): Figure[] {
  const window = { from: run.config.warmupMs / 1000, to: (run.config.warmupMs + run.config.durationMs) / 1000 };
  const seconds = run.timeline ?? [];
  const missing = 'This run was saved without a per-second timeline (by an older interplay), so there is no chart over time.';
  const throughput = `Throughput over time (${run.style})`;
  const latency = `Accept latency over time (${run.style})`;
  return [
    {
      id: `throughput-${run.style}`,
      title: throughput,
      ...(seconds.length > 0
        ? { spec: timelineSpec(throughput, 'orders per second', throughputSeries(run), window) }
        : { spec: null, note: missing }),
      table: {
        names: 1,
        head: ['second', 'offered', 'accepted', 'completed'],
        rows: seconds.map((s) => [String(s.t), count(s.offered), count(s.accepted), count(s.completed)]),
      },
    },
    {
      id: `accept-over-time-${run.style}`,
      title: latency,
      ...(seconds.some((s) => s.acceptP50 !== null)
        ? { spec: timelineSpec(latency, 'ms (log scale)', acceptLatencySeries(run), window, true) }
        : { spec: null, note: seconds.length > 0 ? 'No order was accepted.' : missing }),
      table: {
        names: 1,
        head: ['second', 'accept p50 ms', 'accept p99 ms'],
        rows: seconds.map((s) => [String(s.t), s.acceptP50 === null ? NONE : sig3(s.acceptP50), s.acceptP99 === null ? NONE : sig3(s.acceptP99)]),
      },
    },
  ];
}

function breakdownFigure(runs: readonly RunReport[], breakdown: Breakdown, title: string, unit: string, partName: string): Figure {
  const parts = perOrderParts(runs, breakdown);
  const rows = runs.flatMap((run) => {
    const own = parts.filter((p) => p.style === run.style);
    const rss = (part: string) => (breakdown === 'cpu' ? [mebibytes(run.cost.byService[part]?.rssPeakBytes ?? 0)] : []);
    if (own.length === 0) return [[run.style, 'none', '0', ...(breakdown === 'cpu' ? [NONE] : [])]];
    return own.map((p) => [run.style, p.part, sig3(p.perOrder), ...rss(p.part)]);
  });
  return {
    id: `per-order-${breakdown}`,
    title,
    ...(parts.some((p) => p.perOrder > 0) ? { spec: perOrderSpec(title, unit, parts, runs.map((r) => r.style)) } : { spec: null, note: `None in any run: 0 ${unit}.` }),
    table: { names: 2, head: ['style', partName, unit, ...(breakdown === 'cpu' ? ['peak RSS MiB'] : [])], rows },
  };
}
