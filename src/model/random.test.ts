import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';

const take = (seed: number, n: number): number[] => {
  const rng = createRandom(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRandom', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    expect(take(7, 50)).toEqual(take(7, 50));
    expect(take(7, 50)).not.toEqual(take(8, 50));
  });

  it('gives numbers in [0, 1) that average about one half', () => {
    const xs = take(123, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });

  it('picks integers in [0, n) and reaches every one of them', () => {
    const rng = createRandom(5);
    const seen = new Set<number>();
    for (let k = 0; k < 1000; k++) {
      const v = rng.int(10);
      expect(Number.isInteger(v) && v >= 0 && v < 10).toBe(true);
      seen.add(v);
    }
    expect(seen.size).toBe(10);
  });

  it('refuses a non-positive bound', () => {
    expect(() => createRandom(1).int(0)).toThrow(RangeError);
  });
});
