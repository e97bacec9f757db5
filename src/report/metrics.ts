import { count, mebibytes, rate, sig3 } from './format.ts';
import type { RunReport } from '../model/schema.ts';
import type { MetricName } from '../model/metric-names.ts';

export { METRIC_NAMES, type MetricName } from '../model/metric-names.ts';

/**
 * What a metric measures, which decides the units a threshold may use and how a value prints:
 * a latency in ms, a rate per second, a count of orders, a per-order figure, a size in bytes.
 */
export type MetricKind = 'latency' | 'rate' | 'count' | 'perOrder' | 'bytes';

export interface MetricDefinition {
  readonly kind: MetricKind;
  /** the metric's value in one run */
  readonly of: (run: RunReport) => number;
}

/**
 * Every order the window scheduled, whether it was accepted, failed or was dropped before it was
 * sent: what a count is a share of when a threshold says `%` (`failed<1%`).
 */
const scheduledOrders = (run: RunReport): number => run.orders.placed + run.orders.failed + run.orders.dropped;

/**
 * The metrics a gate may name, each mapped onto the field of the run object it reads. One table,
 * so the parser, the evaluation, the repeats saved in compare.json and the list in docs/benchmarks.md agree.
 */
export const METRICS = {
  'accept.p50': { kind: 'latency', of: (r) => r.latency.accept.p50 },
  'accept.p90': { kind: 'latency', of: (r) => r.latency.accept.p90 },
  'accept.p99': { kind: 'latency', of: (r) => r.latency.accept.p99 },
  'accept.max': { kind: 'latency', of: (r) => r.latency.accept.max },
  'completion.p50': { kind: 'latency', of: (r) => r.latency.completion.p50 },
  'completion.p90': { kind: 'latency', of: (r) => r.latency.completion.p90 },
  'completion.p99': { kind: 'latency', of: (r) => r.latency.completion.p99 },
  'completion.max': { kind: 'latency', of: (r) => r.latency.completion.max },
  'throughput.offered': { kind: 'rate', of: (r) => r.throughput.offered },
  'throughput.accepted': { kind: 'rate', of: (r) => r.throughput.accepted },
  'throughput.completed': { kind: 'rate', of: (r) => r.throughput.completed },
  scheduled: { kind: 'count', of: (r) => scheduledOrders(r) },
  failed: { kind: 'count', of: (r) => r.orders.failed },
  pending: { kind: 'count', of: (r) => r.orders.pending },
  dropped: { kind: 'count', of: (r) => r.orders.dropped },
  'readLoad.perOrder': { kind: 'perOrder', of: (r) => r.readLoad.perOrder },
  'messages.perOrder': { kind: 'perOrder', of: (r) => r.messages.perOrder },
  'messages.bytesPerOrder': { kind: 'perOrder', of: (r) => r.messages.bytesPerOrder },
  'cost.cpuMsPerOrder': { kind: 'perOrder', of: (r) => r.cost.cpuMsPerOrder },
  'cost.rssPeakBytes': { kind: 'bytes', of: (r) => r.cost.rssPeakBytes },
} as const satisfies Record<MetricName, MetricDefinition>;

export const isMetricName = (name: string): name is MetricName => Object.hasOwn(METRICS, name);

/** "41.2 ms", "50.0/s", "3", "2.41", "187 MiB" */
export function formatMetric(name: MetricName, value: number): string {
  switch (METRICS[name].kind) {
    case 'latency':
      return `${sig3(value)} ms`;
    case 'rate':
      return `${rate(value)}/s`;
    case 'count':
      return Number.isInteger(value) ? count(value) : sig3(value);
    case 'perOrder':
      return sig3(value);
    case 'bytes':
      return `${mebibytes(value)} MiB`;
  }
}
