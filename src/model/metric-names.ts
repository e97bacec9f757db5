/**
 * The metrics a gate may name (`completion.p99<250ms`). A list of its own, without what they read, so
 * that the run schema (which keeps their repeats) and the table that reads them from a run
 * (metrics.ts) both build on it.
 */
export const METRIC_NAMES = [
  'accept.p50',
  'accept.p90',
  'accept.p99',
  'accept.max',
  'completion.p50',
  'completion.p90',
  'completion.p99',
  'completion.max',
  'throughput.offered',
  'throughput.accepted',
  'throughput.completed',
  'scheduled',
  'failed',
  'pending',
  'dropped',
  'readLoad.perOrder',
  'messages.perOrder',
  'messages.bytesPerOrder',
  'cost.cpuMsPerOrder',
  'cost.rssPeakBytes',
] as const;

export type MetricName = (typeof METRIC_NAMES)[number];
