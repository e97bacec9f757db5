import { describe, expect, it } from 'vitest';
import { slope, soakTrends, trendOf, windowEnds, type SoakWindow } from './soak.ts';

describe('windowEnds', () => {
  it('cuts every window length and ends a shorter last window at the duration', () => {
    expect(windowEnds(60_000, 15_000)).toEqual([15_000, 30_000, 45_000, 60_000]);
    expect(windowEnds(70_000, 30_000)).toEqual([30_000, 60_000, 70_000]);
    expect(windowEnds(30_000, 30_000)).toEqual([30_000]);
  });
});

describe('slope', () => {
  it('is the least-squares slope, exact on a line and the fit through noise', () => {
    expect(slope([0, 1, 2, 3].map((x) => ({ x, y: 5 + 2 * x })))).toBeCloseTo(2);
    expect(slope([{ x: 0, y: 1 }, { x: 1, y: 3 }, { x: 2, y: 2 }])).toBeCloseTo(0.5);
    expect(slope([{ x: 1, y: 4 }])).toBe(0);
  });
});

describe('trendOf', () => {
  const series = (values: readonly (number | null)[]) => values.map((value, i) => ({ t: i * 0.5 + 0.75, value }));

  it('calls a steady rise of 7 MiB a minute over 9 minutes growth, and the same rise over 2.5 minutes flat', () => {
    const rise = (n: number) => series(Array.from({ length: n }, (_, i) => 200 + 3.5 * i));
    const t = trendOf(rise(19), 2);
    expect(t.verdict).toBe('grows');
    expect(t.slopePerMinute).toBeCloseTo(7);
    expect([t.first, t.last]).toEqual([200, 263]);
    // 17.5 MiB is under 10 % of the ~209 MiB mean: too little to tell in so short a run
    expect(trendOf(rise(6), 2).verdict).toBe('flat');
  });

  it('calls noise around a level flat, and one high window mid-way flat too', () => {
    expect(trendOf(series([8.1, 7.9, 8.0, 8.2, 7.8, 8.0]), 0.1).verdict).toBe('flat');
    expect(trendOf(series([8, 8, 12, 8, 8, 8]), 0.1).verdict).toBe('flat');
  });

  it('keeps a series near zero flat below its floor, and a fall is no growth', () => {
    expect(trendOf(series([0, 1, 2, 3]), 50).verdict).toBe('flat');
    expect(trendOf(series([0, 100, 200, 300]), 50).verdict).toBe('grows');
    expect(trendOf(series([300, 200, 100, 0]), 50).verdict).toBe('flat');
  });

  it('needs two measured windows, and says when nothing was measured', () => {
    expect(trendOf(series([5]), 1)).toEqual({ first: 5, last: 5, slopePerMinute: null, mean: 5, verdict: 'too few windows' });
    expect(trendOf([], 1).verdict).toBe('too few windows');
    expect(trendOf(series([null, null, null]), 1).verdict).toBe('not measured');
  });
});

describe('soakTrends', () => {
  const aWindow = (index: number, over: Partial<SoakWindow> = {}): SoakWindow => ({
    index, startS: index * 30, endS: (index + 1) * 30, offered: 3000, accepted: 3000, completed: 3000, failed: 0, shed: 0, late: 0,
    completion: { count: 3000, p50: 10, p99: 25 }, cpuMsPerOrder: 8, systemRssBytes: 200 * 2 ** 20, natsRssBytes: null,
    backlog: null, streamMessages: null, streamBytes: null, dbBytes: index * 3e6, ordersStored: index * 3000, dbBytesPerOrder: 1000,
    processes: [], walBytes: {}, nats: null,
    ...over,
  });

  it('leaves the warm-up window out and judges each series in its shown unit', () => {
    const windows = [aWindow(0, { cpuMsPerOrder: 50, completion: { count: 3000, p50: 10, p99: 900 } }), ...[1, 2, 3, 4].map((i) => aWindow(i, { cpuMsPerOrder: 7 + i }))];
    const byName = Object.fromEntries(soakTrends(windows).map((t) => [t.series, t]));
    expect(byName['CPU per order']).toMatchObject({ first: 8, last: 11, verdict: 'grows', unit: 'ms' });
    expect(byName['CPU per order']?.slopePerMinute).toBeCloseTo(2);
    expect(byName['completion p99']).toMatchObject({ first: 25, last: 25, verdict: 'flat' });
    expect(byName['system RSS']).toMatchObject({ first: 200, unit: 'MiB', verdict: 'flat' });
    expect(byName['consumer backlog']?.verdict).toBe('not measured');
  });
});
