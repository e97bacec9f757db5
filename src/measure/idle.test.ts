import { describe, expect, it } from 'vitest';
import { idleFigures, medianIdle, parseStat, processTree, type StatLine } from './idle.ts';

/** a /proc/<pid>/stat line with the fields idle.ts reads; the rest as a live process shows them */
const statText = (pid: number, command: string, parent: number, utime: number, stime: number) =>
  `${pid} (${command}) S ${parent} ${pid} ${pid} 0 -1 4194560 1200 0 0 0 ${utime} ${stime} 0 0 20 0 11 0 5000 1000000 9000 18446744073709551615`;

const line = (pid: number, command: string, parent: number, cpuMs: number): StatLine => ({ pid, command, parent, cpuMs });

describe('parseStat', () => {
  it('reads the parent and utime + stime in ms (ticks of 10 ms)', () => {
    expect(parseStat(statText(4242, 'node', 1, 150, 30))).toEqual({ pid: 4242, parent: 1, command: 'node', cpuMs: 1800 });
  });

  it('counts fields from the last parenthesis, so a name with spaces and parentheses does not shift them', () => {
    expect(parseStat(statText(7, 'a (b) c', 3, 1, 2))).toEqual({ pid: 7, parent: 3, command: 'a (b) c', cpuMs: 30 });
  });

  it('gives nothing for a line that is not a stat line (a process gone meanwhile reads as empty)', () => {
    expect(parseStat('')).toBeUndefined();
    expect(parseStat('12 (node) S')).toBeUndefined();
  });
});

describe('processTree', () => {
  it('takes the root and every descendant, whatever order /proc lists them in, and nothing else', () => {
    const lines = [line(30, 'grandchild', 20, 0), line(20, 'nats-server', 10, 0), line(10, 'node', 1, 0), line(11, 'other', 1, 0)];

    expect(processTree(lines, 10).map((l) => l.pid)).toEqual([10, 20, 30]);
    expect(processTree(lines, 99)).toEqual([]);
  });
});

describe('idleFigures', () => {
  it('gives each process its CPU ms per second of the window, and their sum', () => {
    const start = [line(10, 'node', 1, 1_000), line(20, 'nats-server', 10, 500)];
    const end = [line(10, 'node', 1, 1_300), line(20, 'nats-server', 10, 560)];

    const figures = idleFigures(start, end, 60_000);

    expect(figures.processes).toEqual([
      { pid: 10, command: 'node', msPerS: 5 },
      { pid: 20, command: 'nats-server', msPerS: 1 },
    ]);
    expect(figures.totalMsPerS).toBe(6);
    expect(figures.windowS).toBe(60);
  });

  it('counts a process that began in the window from zero, and leaves out one that ended', () => {
    const figures = idleFigures([line(10, 'node', 1, 100), line(30, 'gone', 10, 50)], [line(10, 'node', 1, 100), line(40, 'new', 10, 20)], 10_000);

    expect(figures.processes).toEqual([
      { pid: 10, command: 'node', msPerS: 0 },
      { pid: 40, command: 'new', msPerS: 2 },
    ]);
  });
});

describe('medianIdle', () => {
  it('takes the median per command and of the totals over runs', () => {
    const run = (node: number, nats: number) => idleFigures([], [line(1, 'node', 0, node * 10), line(2, 'nats-server', 1, nats * 10)], 10_000);

    const { byCommand, totalMsPerS } = medianIdle([run(3, 1), run(9, 1), run(4, 2)]);

    expect(byCommand).toEqual(new Map([['node', 4], ['nats-server', 1]]));
    expect(totalMsPerS).toBe(6); // of 4, 10 and 6: the median of the totals, not the sum of the medians
  });
});
