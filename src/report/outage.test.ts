import { describe, expect, it } from 'vitest';
import type { OutageCell, OutageResult } from '../measure/outage.ts';
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
    expect(cellText(aCell('billing'))).toBe('accepted 100 %, completed 100 % after 2.1 s');
    expect(cellText(aCell('billing', { acceptedShare: 0, completedShare: null, drainMs: null }))).toBe('accepted 0 %, nothing to complete');
    expect(cellText(aCell('auth', { acceptedShare: 0, completedShare: null, drainMs: null, placedAnyway: 98 }))).toBe(
      'accepted 0 %, nothing to complete, 98 placed anyway',
    );
    expect(cellText({ component: 'nats', applies: false, reason: 'no broker' })).toBe('n/a');
  });

  it('renderOutageMatrix - stacks the styles and keeps every line within 80 columns', () => {
    const all = (['auth', 'billing', 'order', 'notification', 'nats'] as const).map((c) => aCell(c, { p99Before: 12_345, p99During: 23_456, drainMs: 14_900 }));
    const text = renderOutageMatrix(aResult({ rest: all, collaboration: all }), 80);

    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toContain('\nrest\n  auth          accepted 100 %, completed 100 % after 14.9 s');
    expect(text).toContain('\ncollaboration\n');
  });

  it('outageMarkdown - one row per style, one column per component, and the anomalies listed', () => {
    const anomaly = { type: 'order-pending' as const, userId: 'u1', orderId: 'o1', message: 'order o1 of user u1 is still pending' };
    const result = aResult({ rest: [aCell('auth'), aCell('billing', { anomalies: [anomaly] })] });
    const md = outageMarkdown(result);

    expect(md).toContain('| style | auth | billing | order | notification | nats |');
    expect(md).toContain('| rest | accepted 100 %, completed 100 % after 2.1 s<br>p99 120 ms → 9.4 s | accepted 100 %, completed 100 % after 2.1 s, 1 ANOMALY');
    expect(md).toContain('- rest, billing down: order-pending: order o1 of user u1 is still pending');
    expect(outageFailed(result)).toBe(true);
  });
});
