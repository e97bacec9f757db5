import { describe, expect, it } from 'vitest';
import { median, sampleIntervalMs, saturate } from './sampler.ts';

describe('saturate', () => {
  it('reports the median rate and CPU per operation of the samples after the warm-up', async () => {
    let done = 0;
    const result = await saturate({
      durationMs: 300,
      concurrency: 3,
      warmupOps: 50,
      // each operation costs exactly 40 µs of "CPU"
      cpuMs: () => done * 0.04,
      op: () => new Promise<void>((resolve) => setImmediate(() => (done++, resolve()))),
    });

    expect(result.cpuUsPerOp).toBeCloseTo(40, 6);
    expect(result.perSecond).toBeGreaterThan(0);
    expect(result.samples.length).toBeGreaterThanOrEqual(2);
    // the warm-up's operations are not in the samples
    expect(result.ops).toBeLessThanOrEqual(done - 50);
  });

  it('samples an operation that never gives the event loop a turn', async () => {
    let done = 0;
    const result = await saturate({ durationMs: 150, concurrency: 1, warmupOps: 10, cpuMs: () => done * 0.001, op: async () => void done++ });

    expect(result.samples.length).toBeGreaterThanOrEqual(2);
    expect(result.cpuUsPerOp).toBeCloseTo(1, 6);
  });
});

describe('sampleIntervalMs', () => {
  it('samples every second, and thirds of a run shorter than three seconds', () => {
    expect(sampleIntervalMs(3000)).toBe(1000);
    expect(sampleIntervalMs(10_000)).toBe(1000);
    expect(sampleIntervalMs(600)).toBe(200);
  });
});

describe('median', () => {
  it('is the middle value, the mean of the two middle ones, or NaN for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
