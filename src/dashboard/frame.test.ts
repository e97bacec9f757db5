import { describe, expect, it } from 'vitest';
import { dashboardFrame, percentiles, TREND_SECONDS } from './frame.ts';
import { aSample, aSecondOfLoad } from './test-samples.ts';

describe('dashboardFrame', () => {
  it('gives offered, accepted and completed orders per second from the last two samples', () => {
    const frame = dashboardFrame(aSecondOfLoad());
    expect(frame.throughput).toEqual({ offered: 100, accepted: 100, completed: 60 });
    expect(frame.inflight).toBe(3);
    expect(frame.pending).toBe(127);
    expect(frame.elapsedSeconds).toBe(10);
  });

  it('shows no rate from a single sample, only its counts', () => {
    const frame = dashboardFrame([aSample({ load: { ...aSample().load, pending: 5 } })]);
    expect(frame.throughput).toEqual({ offered: 0, accepted: 0, completed: 0 });
    expect(frame.pending).toBe(5);
    expect(frame.services.every((s) => s.cpuPercent === null)).toBe(true);
  });

  it('takes p50 and p99 of the latencies of the last ten seconds, and null when there were none', () => {
    const frame = dashboardFrame(aSecondOfLoad());
    expect(frame.accept).toEqual({ count: 5, p50: 4, p99: 40 });
    expect(frame.completion).toEqual({ count: 5, p50: 30, p99: 2_000 });
    expect(dashboardFrame([aSample()]).completion).toEqual({ count: 0, p50: null, p99: null });
    const old = aSample({ at: 0, completion: [9_999] });
    const recent = Array.from({ length: 10 }, (_, i) => aSample({ at: (i + 1) * 1000, completion: [1] }));
    expect(dashboardFrame([old, ...recent]).completion.p99).toBe(1);
  });

  it('keeps one p99 per second for the trend, the last minute at most', () => {
    const samples = Array.from({ length: 70 }, (_, i) => aSample({ at: i * 1000, completion: i % 2 ? [i] : [] }));
    const trend = dashboardFrame(samples).completionTrend;
    expect(trend).toHaveLength(TREND_SECONDS);
    expect(trend.slice(-2)).toEqual([null, 69]);
  });

  it('bins the completion latencies of the window, the largest bin full', () => {
    const bins = dashboardFrame(aSecondOfLoad()).histogram;
    expect(bins.map((b) => [b.label, b.count])).toEqual([
      ['≤5ms', 0], ['≤10ms', 1], ['≤25ms', 1], ['≤50ms', 1], ['≤100ms', 0], ['≤250ms', 0], ['≤1s', 1], ['>1s', 1],
    ]);
    expect(Math.max(...bins.map((b) => b.share))).toBe(1);
  });

  it('gives CPU per service as % of one core, adding replicas and leaving out a process that is gone', () => {
    const rows = dashboardFrame(aSecondOfLoad()).services;
    const row = (name: string) => rows.find((r) => r.name === name);
    expect(row('order')?.cpuPercent).toBeCloseTo(25);
    expect(row('nats-server')?.cpuPercent).toBeCloseTo(2);
    expect(row('billing')).toMatchObject({ state: 'stopped', cpuPercent: null });
    expect(rows.map((r) => r.name)).toEqual(['gateway', 'auth', 'billing', 'order', 'notification', 'nats-server']);
  });

  it('gives messages per second per service, and none for a process that is no service', () => {
    const rows = dashboardFrame(aSecondOfLoad()).services;
    expect(rows.find((r) => r.name === 'order')?.messagesPerSecond).toBe(100);
    expect(rows.find((r) => r.name === 'billing')?.messagesPerSecond).toBe(60);
    expect(rows.find((r) => r.name === 'nats-server')).toMatchObject({ messagesPerSecond: null, callsPerSecond: null, deadLetters: null });
  });

  it('counts a counter that went back (a restarted service) as no calls, not negative ones', () => {
    const [a, b] = aSecondOfLoad() as [ReturnType<typeof aSample>, ReturnType<typeof aSample>];
    const rows = dashboardFrame([{ ...a, calls: { order: 500 } }, { ...b, calls: { order: 20 } }]).services;
    expect(rows.find((r) => r.name === 'order')?.callsPerSecond).toBe(0);
  });

  it('adds up the backlog, largest consumer first, and the errors by kind', () => {
    const frame = dashboardFrame(aSecondOfLoad());
    expect(frame.backlog.total).toBe(98);
    expect(frame.backlog.consumers[0]?.consumer).toBe('billing-orders-created');
    expect(frame.errors).toEqual({ failed: [['http 503', 9], ['UND_ERR_SOCKET', 1]], failedTotal: 10, dropped: 2, served503: 4, deadLetters: 2 });
  });
});

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentiles(hundred)).toEqual({ count: 100, p50: 50, p99: 99 });
  });
});
