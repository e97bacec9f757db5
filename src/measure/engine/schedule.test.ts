import { describe, expect, it } from 'vitest';
import { arrivalOffsets, scheduleOffsets } from './schedule.ts';

describe('arrival schedule', () => {
  it('uniform sends exactly rate × duration requests, evenly spaced from 0', () => {
    const offsets = scheduleOffsets({ rate: 1000, durationMs: 2000, arrivals: 'uniform', seed: 1 });
    expect(offsets.length).toBe(2000);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBe(1);
    expect(offsets[1999]).toBeCloseTo(1999, 9);
  });

  it('uniform handles rates that do not divide a second evenly', () => {
    expect(scheduleOffsets({ rate: 3, durationMs: 1000, arrivals: 'uniform', seed: 1 }).length).toBe(3);
    expect(scheduleOffsets({ rate: 0.5, durationMs: 10_000, arrivals: 'uniform', seed: 1 }).length).toBe(5);
  });

  it('poisson replays the same offsets for the same seed and differs for another seed', () => {
    const a = scheduleOffsets({ rate: 500, durationMs: 1000, arrivals: 'poisson', seed: 42 });
    const b = scheduleOffsets({ rate: 500, durationMs: 1000, arrivals: 'poisson', seed: 42 });
    const c = scheduleOffsets({ rate: 500, durationMs: 1000, arrivals: 'poisson', seed: 43 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('poisson keeps the asked rate on average, ascending and inside the window', () => {
    const offsets = scheduleOffsets({ rate: 2000, durationMs: 50_000, arrivals: 'poisson', seed: 42 });
    // 100 000 expected; the standard deviation is about 316, so ±1.5 % is ~5 σ.
    expect(offsets.length).toBeGreaterThan(98_500);
    expect(offsets.length).toBeLessThan(101_500);
    let ascending = true;
    for (let i = 1; i < offsets.length; i++) if (offsets[i]! < offsets[i - 1]!) ascending = false;
    expect(ascending).toBe(true);
    expect(offsets[0]!).toBeGreaterThanOrEqual(0);
    expect(offsets[offsets.length - 1]!).toBeLessThan(50_000);
    // Exponential gaps: the mean gap is 1000 / rate ms.
    const meanGap = offsets[offsets.length - 1]! / offsets.length;
    expect(meanGap).toBeGreaterThan(0.485);
    expect(meanGap).toBeLessThan(0.515);
  });

  it('refuses a rate that is not positive when called, before any offset is asked for', () => {
    expect(() => arrivalOffsets({ rate: 0, durationMs: 1000, arrivals: 'uniform', seed: 1 })).toThrow(RangeError);
  });
});
