import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate.ts';
import { LatencyHistogram } from '../engine/histogram.ts';
import type { LoadResult } from '../engine/load-options.ts';
import type { RawRun } from './raw.ts';

const summary = { count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 };

/** A raw run of 4 orders in a 1 s window: two paid, one rejected, one never delivered; one warm-up order. */
function aRawRun(): RawRun {
  const accept = new LatencyHistogram();
  for (const ms of [5, 6, 7, 8]) accept.record(ms);
  const load = {
    mode: 'open', startedAt: '2026-01-01T00:00:00.000Z', offered: 4, sendRate: 4, throughput: 4, accept: summary,
    acceptHistogram: accept.encode(), sendLag: summary, warmup: { sent: 1, dropped: 0 },
    durations: { warmupMs: 100, measuredMs: 1000, drainMs: 0 }, stopped: false,
    scheduled: 4, sent: 4, completed: 4, dropped: 1, unfinished: 0,
  } as unknown as LoadResult;
  const key = (name: string, labels: Record<string, string>) => `${name}${JSON.stringify(labels)}`;
  const call = key('interplay_http_client_requests_total', { method: 'POST', route: '/internal/payments', service: 'order', status: '200', target: 'billing' });
  return {
    schema: 'interplay/raw@1',
    style: 'rest',
    config: { style: 'rest', mode: 'open', rate: 4, users: 1, seed: 1, insufficient: 0.2, durationMs: 1000, warmupMs: 100, drainMs: 1000, maxInflight: 10, argv: [] },
    environment: { node: 'v20', natsServer: null, cpuModel: 'cpu', cpuCount: 2, totalMemoryBytes: 1, platform: 'linux x64', topology: 'inproc', storage: 'SQLite', startedAt: 'now' },
    load,
    timelineOrigin: 0,
    windowStart: 100,
    orders: [
      { id: 'w', intendedAt: 0, answeredAt: 5, warmup: true },
      { id: 'a', intendedAt: 100, answeredAt: 105, warmup: false },
      { id: 'b', intendedAt: 350, answeredAt: 356, warmup: false },
      { id: 'c', intendedAt: 600, answeredAt: 607, warmup: false },
      { id: 'd', intendedAt: 850, answeredAt: 858, warmup: false },
    ],
    deliveries: [
      { orderId: 'w', type: 'order.paid', receivedAt: 20 },
      { orderId: 'a', type: 'order.paid', receivedAt: 110 },
      { orderId: 'b', type: 'order.paid', receivedAt: 370 },
      { orderId: 'c', type: 'order.payment-failed', receivedAt: 1200 },
    ],
    failures: { 'http 500': 2 },
    shed: 3,
    limited: 6,
    ticks: [],
    metrics: { before: [[call, 10]], after: [[call, 20]] },
    processes: {
      before: { system: { cpuMs: 100, rssBytes: 1, rssPeakBytes: 50 } },
      after: { system: { cpuMs: 150, rssBytes: 1, rssPeakBytes: 80 } },
    },
  };
}

describe('aggregate', () => {
  const run = aggregate(aRawRun());

  it('counts outcomes of the measured orders only, warm-up left out', () => {
    expect(run.orders).toEqual({ placed: 4, paid: 2, rejected: 1, pending: 1, failed: 2, shed: 3, limited: 6, dropped: 1 });
  });

  it('times completion from the intended send to the delivery', () => {
    expect(run.latency.completion.count).toBe(3);
    expect(run.latency.completion.max).toBeCloseTo(600, -1);
  });

  it('counts completions that fell inside the measured window, whenever their order was placed', () => {
    // a at 110 and b at 370 fall in [100, 1100]; w at 20 is before it, c at 1200 after.
    expect(run.throughput.completed).toBe(2);
  });

  it('divides counters and CPU by every accepted order, warm-up included, as the system did that work', () => {
    expect(run.readLoad).toMatchObject({ total: 10, perOrder: 2 });
    expect(run.cost.byService.system).toEqual({ cpuMs: 50, cpuMsPerOrder: 10, rssPeakBytes: 80 });
  });

  it('is pure: the same raw run aggregates to the same result', () => {
    expect(aggregate(aRawRun())).toEqual(run);
  });
});
