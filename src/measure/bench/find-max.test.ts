import { describe, expect, it } from 'vitest';
import { aRun } from '../../report/test-builders.ts';
import { judge } from './find-max.ts';

const healthy = {
  orders: { placed: 1000, paid: 800, rejected: 200, pending: 0, failed: 0, dropped: 0 },
  throughput: { offered: 100, accepted: 100, completed: 99 },
  latency: { completion: { count: 1000, p50: 10, p90: 20, p99: 60, p999: 90, max: 120 } },
};

describe('find-max judge', () => {
  it('judge - holds a rate whose orders all completed within the SLO', () => {
    expect(judge(aRun(healthy), 100)).toBeUndefined();
  });

  it.each([
    ['p99 completion over the SLO', { latency: { completion: { ...healthy.latency.completion, p99: 140 } } }, /p99 completion 140\.0 ms > 100 ms/],
    ['orders left pending', { orders: { ...healthy.orders, pending: 3 } }, /3 orders still pending/],
    ['failed orders', { orders: { ...healthy.orders, failed: 1 } }, /1 orders failed/],
    ['dropped sends', { orders: { ...healthy.orders, dropped: 5 } }, /5 sends dropped/],
    ['completions falling behind arrivals', { throughput: { offered: 100, accepted: 100, completed: 80 } }, /completed 80\.0\/s of 100\.0\/s/],
  ])('judge - does not hold a rate with %s', (_what, overrides, reason) => {
    expect(judge(aRun({ ...healthy, ...overrides }), 100)).toMatch(reason);
  });
});
