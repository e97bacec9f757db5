import { describe, expect, it } from 'vitest';
import { duration, sig3, times, wrap } from './format.ts';

describe('number formats', () => {
  it('sig3 - keeps three significant digits and never switches to exponents', () => {
    expect([0, 0.8123, 1, 12.34, 99.96, 123.4, 1234.5, 98_765.4].map(sig3)).toEqual(['0', '0.812', '1.00', '12.3', '100', '123', '1,235', '98,765']);
  });

  it('times - prints a ratio as ×n.nn and a ratio against 0 as a dash', () => {
    expect([1, 0.3333, 12.5, null, Number.NaN].map(times)).toEqual(['×1.00', '×0.33', '×12.50', '–', '–']);
  });

  it('duration - prints ms, seconds or whole minutes', () => {
    expect([250, 5_000, 1_500, 120_000, 90_000].map(duration)).toEqual(['250 ms', '5 s', '1.5 s', '2 min', '90 s']);
  });
});

describe('wrap', () => {
  it('breaks at spaces so no line passes the width, and keeps a longer word whole', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('a supercalifragilistic b', 5)).toEqual(['a', 'supercalifragilistic', 'b']);
  });
});
