import { describe, expect, it } from 'vitest';
import { restartDelay } from './backoff.ts';

describe('restartDelay', () => {
  it('starts at the minimum and doubles with each consecutive failure', () => {
    expect([1, 2, 3, 4].map((n) => restartDelay(n, 100, 10_000))).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the maximum, however long the crash loop', () => {
    expect(restartDelay(8, 100, 10_000)).toBe(10_000);
    expect(restartDelay(5_000, 100, 10_000)).toBe(10_000);
  });
});
