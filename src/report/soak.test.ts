import { describe, expect, it } from 'vitest';
import { soakTrends, type SoakWindow } from '../measure/soak.ts';
import { renderSoakSummary, soakHead, soakRow } from './soak.ts';

const aRestWindow = (index: number): SoakWindow => ({
  index, startS: index * 30, endS: (index + 1) * 30, offered: 3000, accepted: 2990, completed: 2990, failed: 4, shed: 6, late: 0,
  completion: { count: 2990, p50: 4.39, p99: 44.9 }, cpuMsPerOrder: 3.1, systemRssBytes: 207 * 2 ** 20, natsRssBytes: null,
  backlog: null, streamMessages: null, streamBytes: null, dbBytes: 15 * 2 ** 20, ordersStored: 2990 * (index + 1), dbBytesPerOrder: 909,
});

describe('soak table', () => {
  it('prints each row under its head, a dash where rest has no broker', () => {
    const [head, rule] = soakHead();
    const row = soakRow(aRestWindow(3));
    expect(row.length).toBe(head?.length);
    expect(rule?.length).toBe(head?.length);
    const cells = row.trim().split(/\s+/);
    expect(cells).toEqual(['120', '3,000', '2,990', '2,990', '4', '6', '0', '4.39', '44.9', '3.10', '207', '–', '–', '–', '15.0', '909']);
  });

  it('sums up each series with its verdict and states the rule', () => {
    const lines = renderSoakSummary(soakTrends([0, 1, 2, 3].map(aRestWindow)));
    expect(lines.find((l) => l.includes('CPU per order'))).toMatch(/3\.10 ms\s+3\.10 ms\s+\+0 ms\/min\s+3\.10 ms\s+0\.100 ms\s+flat/);
    expect(lines.find((l) => l.includes('consumer backlog'))).toMatch(/not measured$/);
    expect(lines.join(' ')).toContain('10 % of its mean');
  });
});
