import { describe, expect, it } from 'vitest';
import { fitParts, terminalOf, wantsColor } from './terminal.ts';

/** a stand-in for process.stdout: a terminal with colours, or a pipe */
const stream = (tty: boolean, columns?: number) =>
  ({ isTTY: tty, columns, hasColors: () => tty }) as unknown as NodeJS.WriteStream;

describe('wantsColor', () => {
  it('colours a terminal that has colours, and never a pipe', () => {
    expect(wantsColor(stream(true), {}, false)).toBe(true);
    expect(wantsColor(stream(false), {}, false)).toBe(false);
  });

  it('NO_COLOR with any non-empty value turns colour off; an empty one does not (no-color.org)', () => {
    expect(wantsColor(stream(true), { NO_COLOR: '1' }, false)).toBe(false);
    expect(wantsColor(stream(true), { NO_COLOR: 'yes' }, false)).toBe(false);
    expect(wantsColor(stream(true), { NO_COLOR: '' }, false)).toBe(true);
  });

  it('FORCE_COLOR colours even a pipe, except FORCE_COLOR=0 or false, which turns colour off', () => {
    expect(wantsColor(stream(false), { FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor(stream(false), { FORCE_COLOR: '' }, false)).toBe(true);
    expect(wantsColor(stream(true), { FORCE_COLOR: '0' }, false)).toBe(false);
    expect(wantsColor(stream(true), { FORCE_COLOR: 'false' }, false)).toBe(false);
  });

  it('--no-color wins over everything', () => {
    expect(wantsColor(stream(true), { FORCE_COLOR: '3' }, true)).toBe(false);
  });
});

describe('terminalOf', () => {
  it('takes the width of a terminal, and 80 columns for a pipe', () => {
    expect(terminalOf(stream(true, 132), { env: {} })).toEqual({ color: true, width: 132, tty: true });
    expect(terminalOf(stream(false, 132), { env: {} })).toEqual({ color: false, width: 80, tty: false });
  });
});

describe('fitParts', () => {
  const parts = [
    { text: 'rest: measure 12s', rank: 0 },
    { text: 'sent 2400', rank: 2 },
    { text: 'in flight 3', rank: 3 },
    { text: 'errors 5', rank: 1 },
  ];

  it('joins every part when they fit', () => {
    expect(fitParts(parts, 80)).toBe('rest: measure 12s · sent 2400 · in flight 3 · errors 5');
  });

  it('leaves out the least important parts first, keeping the order of the rest', () => {
    expect(fitParts(parts, 40)).toBe('rest: measure 12s · sent 2400 · errors 5');
    expect(fitParts(parts, 30)).toBe('rest: measure 12s · errors 5');
  });

  it('cuts the first part with an ellipsis when even it does not fit', () => {
    expect(fitParts(parts, 10)).toBe('rest: mea…');
  });
});
