import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './histogram.ts';

const histogramOf = (...ms: number[]): LatencyHistogram => {
  const h = new LatencyHistogram();
  for (const v of ms) h.record(v);
  return h;
};

describe('LatencyHistogram', () => {
  it('reports ms with microsecond resolution', () => {
    const s = histogramOf(1.234).summary();
    expect(s).toMatchObject({ count: 1, p50: 1.234, p99: 1.234, max: 1.234 });
  });

  it('summarises percentiles within 0.1 % and the exact max', () => {
    const h = new LatencyHistogram();
    for (let v = 1; v <= 1000; v++) h.record(v); // 1 ms … 1000 ms
    const s = h.summary();
    expect(s.count).toBe(1000);
    expect(Math.abs(s.p50 - 500) / 500).toBeLessThan(0.001);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.001);
    expect(s.max).toBe(1000);
    expect(s.p999).toBeLessThanOrEqual(s.max);
  });

  it('gives zeros for an empty histogram', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
  });

  it('merges as a union: counts add and the max is the larger max', () => {
    const a = histogramOf(1, 2, 3);
    const b = histogramOf(10, 20, 250);
    a.merge(b);
    expect(a.summary().count).toBe(6);
    expect(a.summary().max).toBeCloseTo(250, 0);
    expect(a.summary().p50).toBeCloseTo(3, 2);
    expect(b.summary().count).toBe(3);
  });

  it('round-trips through encode and decode, and a decoded histogram can take more values', () => {
    const h = histogramOf(0.5, 1.234, 42, 3_000);
    const decoded = LatencyHistogram.decode(h.encode());
    expect(decoded.summary().count).toBe(4);
    expect(decoded.summary().p50).toBe(h.summary().p50);
    expect(Math.abs(decoded.summary().max - 3_000) / 3_000).toBeLessThan(0.001);
    decoded.merge(histogramOf(7_200_000)); // 2 h, beyond the initial range
    expect(decoded.summary().count).toBe(5);
    expect(decoded.summary().max).toBeGreaterThan(7_190_000);
  });

  it('unions saved histograms from several runs', () => {
    const saved = [histogramOf(1, 2).encode(), histogramOf(3).encode(), histogramOf(4, 5, 6).encode()];
    const all = LatencyHistogram.union(saved.map((s) => LatencyHistogram.decode(s)));
    expect(all.summary().count).toBe(6);
    expect(all.summary().max).toBeCloseTo(6, 2);
  });
});
