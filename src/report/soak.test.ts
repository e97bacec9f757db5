import { describe, expect, it } from 'vitest';
import { soakTargets, soakTrends, type SoakWindow } from '../measure/soak/soak.ts';
import { renderSoakSummary, renderSoakTargets, soakHead, soakRow } from './soak.ts';

const aRestWindow = (index: number): SoakWindow => ({
  index, startS: index * 30, endS: (index + 1) * 30, offered: 3000, accepted: 2990, completed: 2990, failed: 4, shed: 6, late: 0,
  completion: { count: 2990, p50: 4.39, p99: 44.9 }, cpuMsPerOrder: 3.1, systemRssBytes: 207 * 2 ** 20, natsRssBytes: null,
  backlog: null, streamMessages: null, streamBytes: null, dbBytes: 15 * 2 ** 20, ordersStored: 2990 * (index + 1), dbBytesPerOrder: 909,
  processes: [
    {
      process: 'system', pid: 11, loopDelay: { maxMs: 61.2, p99Ms: 12.5 }, heapUsedBytes: 80 * 2 ** 20,
      gc: { minor: { count: 120, totalMs: 240, longestMs: 5 }, major: { count: 2, totalMs: 38, longestMs: 25 } },
      checkpoints: { worker: { count: 118, totalMs: 300, longestMs: 10 }, eventLoop: null },
    },
    { process: 'load generator', pid: 12, loopDelay: { maxMs: 150, p99Ms: 20 }, heapUsedBytes: 60 * 2 ** 20, gc: {}, checkpoints: { worker: null, eventLoop: null } },
  ],
  walBytes: { 'auth/auth.db-wal': 2 ** 20, 'order/order.db-wal': 3 * 2 ** 20 },
  nats: null,
});

describe('soak table', () => {
  it('prints each row under its head, a dash where rest has no broker', () => {
    const [head, rule] = soakHead();
    const row = soakRow(aRestWindow(3));
    expect(row.length).toBe(head?.length);
    expect(rule?.length).toBe(head?.length);
    const cells = row.trim().split(/\s+/);
    // loop p99 and max, GC and checkpoints of the system's process; the load generator's delay apart, last
    expect(cells).toEqual([
      '120', '3,000', '2,990', '2,990', '4', '6', '0', '4.39', '44.9', '3.10', '207', '–', '–', '–', '15.0', '909',
      '12.5', '61.2', '25.0', '38.0', '10.0', '–', '4.00', '–', '150',
    ]);
  });

  it('judges the stall targets: the worst window against the median, sheds, the longest loop delay', () => {
    const windows = [0, 1, 2, 3].map(aRestWindow);
    const slow = { ...aRestWindow(4), completion: { count: 2990, p50: 4.5, p99: 120 } };
    const lines = renderSoakTargets(soakTargets([...windows, slow]));
    expect(lines.find((l) => l.includes('p99 ÷ median'))).toMatch(/2\.67\s+≤ 2\.00\s+missed$/);
    expect(lines.find((l) => l.includes('requests shed'))).toMatch(/30\s+≤ 0\s+missed$/);
    expect(lines.find((l) => l.includes('event-loop delay'))).toMatch(/61\.2\s+≤ 100\s+met$/);
  });

  it('sums up each series with its verdict and states the rule', () => {
    const lines = renderSoakSummary(soakTrends([0, 1, 2, 3].map(aRestWindow)));
    expect(lines.find((l) => l.includes('CPU per order'))).toMatch(/3\.10 ms\s+3\.10 ms\s+\+0 ms\/min\s+3\.10 ms\s+0\.100 ms\s+flat/);
    expect(lines.find((l) => l.includes('consumer backlog'))).toMatch(/not measured$/);
    expect(lines.join(' ')).toContain('10 % of its mean');
  });
});
