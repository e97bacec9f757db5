import { describe, expect, it } from 'vitest';
import type { OutageCell, OutageResult } from '../measure/faults/outage.ts';
import { cellText, outageFailed, outageMarkdown, renderOutageMatrix } from './outage.ts';

const aCell = (component: OutageCell['component'], over: Partial<Extract<OutageCell, { applies: true }>> = {}): OutageCell => ({
  component,
  applies: true,
  span: { downAtMs: 10_000, upAtMs: 17_000 },
  before: { sent: 200, accepted: 200 },
  during: { sent: 140, accepted: 140, completed: 140 },
  acceptedShare: 1,
  completedShare: 1,
  completedShareAll: 1,
  drainMs: 2_100,
  recovery: { ms: 2_300, orders: 340, unfinished: 0 },
  p99Before: 120,
  p99During: 9_400,
  placedAnyway: 0,
  answersDuring: { '201': 140 },
  anomalies: [],
  ...over,
});

const aResult = (cells: Record<string, OutageCell[]>): OutageResult => ({
  schema: 'interplay/outage@1',
  reusedSystems: true,
  config: {
    styles: Object.keys(cells) as OutageResult['config']['styles'],
    components: ['auth', 'billing', 'order', 'notification', 'nats'],
    downMs: 5_000,
    users: 20,
    rate: 20,
    durationMs: 20_000,
    warmupMs: 3_000,
    drainMs: 30_000,
    maxInflight: 1000,
    insufficient: 0.2,
    seed: 1,
    argv: [],
  },
  styles: Object.entries(cells).map(([style, c]) => ({ style: style as 'rest', cells: c })),
});

describe('the outage matrix', () => {
  it('cellText - says what was accepted and what completed how long after recovery', () => {
    expect(cellText(aCell('billing'))).toBe('accepted 100 %, completed 100 %, recovered in 2.3 s');
    expect(cellText(aCell('billing', { acceptedShare: 0, completedShare: null, drainMs: null, recovery: { ms: 0, orders: 200, unfinished: 0 } }))).toBe(
      'accepted 0 %, nothing to complete, recovered in 0 ms',
    );
    expect(cellText(aCell('auth', { acceptedShare: 0, completedShare: null, drainMs: null, placedAnyway: 98, recovery: { ms: 800, orders: 200, unfinished: 0 } }))).toBe(
      'accepted 0 %, nothing to complete, recovered in 800 ms, 98 placed anyway',
    );
    expect(cellText(aCell('nats', { completedShare: 0.98, recovery: { ms: null, orders: 340, unfinished: 3 } }))).toBe(
      'accepted 100 %, completed 98 %, recovery not reached (3 of 340 orders never notified)',
    );
    expect(cellText({ component: 'nats', applies: false, reason: 'no broker' })).toBe('n/a');
  });

  it('cellText - a result saved before recovery was measured still reads, with the drain of the orders placed during the outage', () => {
    const { recovery: _r, ...saved } = aCell('billing') as Extract<OutageCell, { applies: true }>;
    expect(cellText(saved as OutageCell)).toBe('accepted 100 %, completed 100 % after 2.1 s');
  });

  it('renderOutageMatrix - stacks the styles and keeps every line within 80 columns', () => {
    const all = (['auth', 'billing', 'order', 'notification', 'nats'] as const).map((c) => aCell(c, { p99Before: 12_345, p99During: 23_456, recovery: { ms: 14_900, orders: 340, unfinished: 0 } }));
    const text = renderOutageMatrix(aResult({ rest: all, collaboration: all }), 80);

    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toContain('\nrest\n  auth          accepted 100 %, completed 100 %, recovered in 14.9 s');
    expect(text).toContain('\ncollaboration\n');
  });

  it('outageMarkdown - one row per style, one column per component, and the anomalies listed', () => {
    const anomaly = { type: 'order-pending' as const, userId: 'u1', orderId: 'o1', message: 'order o1 of user u1 is still pending' };
    const result = aResult({ rest: [aCell('auth'), aCell('billing', { anomalies: [anomaly] })] });
    const md = outageMarkdown(result);

    expect(md).toContain('| style | auth | billing | order | notification | nats |');
    expect(md).toContain('| rest | accepted 100 %, completed 100 %, recovered in 2.3 s<br>p99 120 ms → 9.4 s | accepted 100 %, completed 100 %, recovered in 2.3 s, 1 ANOMALY');
    expect(md).toContain('- rest, billing down: order-pending: order o1 of user u1 is still pending');
    expect(outageFailed(result)).toBe(true);
  });
});
