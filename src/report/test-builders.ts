import { LatencyHistogram } from '../measure/engine/histogram.ts';
import { compareRuns } from './compare.ts';
import type { CompareReport, Percentiles, RunReport, TimelineSecond } from '../model/schema.ts';
import type { Style } from '../model/style.ts';

/** Test data for the renderers: plausible runs of each style, any field overridable. */

type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> } : T;
export type RunOverrides = DeepPartial<RunReport>;

const percentiles = (p50: number, count: number): Percentiles => ({
  count,
  p50,
  p90: Number((p50 * 1.8).toFixed(3)),
  p99: Number((p50 * 3.5).toFixed(3)),
  p999: Number((p50 * 6).toFixed(3)),
  max: Number((p50 * 9).toFixed(3)),
});

/** an encoded histogram whose percentiles are roughly `p` */
function histogramOf(p: Percentiles): string {
  const h = new LatencyHistogram();
  for (let i = 0; i < 50; i++) h.record(p.p50);
  for (let i = 0; i < 40; i++) h.record(p.p90);
  for (let i = 0; i < 9; i++) h.record(p.p99);
  h.record(p.max);
  return h.encode();
}

/** per style: completion p50 ms, reads per order, messages per order, bytes per message, CPU ms per order */
const SHAPE: Record<Style, readonly [number, number, number, number, number]> = {
  rest: [14.2, 3, 0, 0, 2.41],
  notification: [9.87, 1, 3, 412, 3.05],
  collaboration: [11.4, 0, 4, 655, 3.62],
};

/** `aRun({ style: 'notification', orders: { pending: 3 } })`: objects merge, everything else replaces */
export function aRun(overrides: RunOverrides = {}): RunReport {
  const style: Style = overrides.style ?? 'rest';
  const [completionP50, reads, msgs, bytesPerMsg, cpu] = SHAPE[style];
  const placed = 6000;
  const accept = percentiles(2.13, placed);
  const completion = percentiles(completionP50, placed);
  const subjects: RunReport['messages']['bySubject'] = style === 'rest' ? {} : { 'orders.placed': { messages: placed, bytes: placed * bytesPerMsg } };
  const base: RunReport = {
    schema: 'interplay/run@1',
    style,
    config: {
      style,
      mode: 'open',
      rate: 200,
      arrivals: 'poisson',
      users: 100,
      seed: 42,
      insufficient: 0.1,
      durationMs: 30_000,
      warmupMs: 5_000,
      drainMs: 10_000,
      maxInflight: 512,
      argv: ['bench', '--style', style, '--rate', '200'],
    },
    environment: {
      node: 'v20.19.0',
      natsServer: style === 'rest' ? null : 'nats-server: v2.10.22',
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      cpuCount: 4,
      totalMemoryBytes: 16 * 2 ** 30,
      platform: 'linux x64',
      topology: style === 'rest' ? 'inproc: one child process' : 'inproc: one child process, nats-server beside it',
      storage: 'SQLite (WAL), one file per service',
      startedAt: '2026-11-25T13:05:00.000Z',
    },
    orders: { placed, paid: 5400, rejected: 597, pending: 3, failed: 0, shed: 0, dropped: 0 },
    throughput: { offered: 200, accepted: 199.97, completed: 199.87 },
    latency: { accept, completion },
    histograms: { accept: histogramOf(accept), completion: histogramOf(completion) },
    readLoad: { total: placed * reads, perOrder: reads, byService: reads > 0 ? { 'order→billing POST /payments': placed * reads } : {} },
    messages: { total: placed * msgs, perOrder: msgs, bytesPerOrder: msgs * bytesPerMsg, bySubject: subjects },
    cost: {
      cpuMsPerOrder: cpu,
      rssPeakBytes: 187 * 2 ** 20,
      byService: { system: { cpuMs: cpu * placed, cpuMsPerOrder: cpu, rssPeakBytes: 187 * 2 ** 20 } },
    },
    errors: {},
  };
  return merge<RunReport>(base, overrides);
}

/** `seconds` of a steady `rate` per second; accept p50 2 ms and p99 9 ms except in second 3, a 40 ms spike */
export function aTimeline(seconds = 8, rate = 200): TimelineSecond[] {
  return Array.from({ length: seconds }, (_, t) => ({
    t,
    offered: rate,
    accepted: rate,
    completed: t === 0 ? rate - 20 : rate,
    acceptP50: 2,
    acceptP99: t === 3 ? 40 : 9,
  }));
}

/** one run of each given style (default all three), compared */
export function aCompare(
  runs: readonly RunReport[] = [aRun({ style: 'rest' }), aRun({ style: 'notification' }), aRun({ style: 'collaboration' })],
  createdAt = '2026-11-25T13:07:12.000Z',
): CompareReport {
  return compareRuns(runs, createdAt);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function merge<T>(base: T, patch: DeepPartial<T>): T {
  if (!isPlainObject(base) || !isPlainObject(patch)) return (patch === undefined ? base : patch) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) out[key] = merge(out[key], value as DeepPartial<unknown>);
  }
  return out as T;
}
