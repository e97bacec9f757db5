import { describe, expect, it } from 'vitest';
import { outageCost, percentile } from './outage-cell.ts';
import type { OrderAttempt } from './order-load.ts';

const anAttempt = (intendedAt: number, orderId?: string): OrderAttempt => ({
  intendedAt,
  user: 0,
  status: orderId ? 201 : 503,
  replay: false,
  ...(orderId ? { orderId } : {}),
});

describe('outageCost', () => {
  const span = { downAt: 1_000, upAt: 2_000 };

  it('counts what was accepted during the outage, what completed after it, and how long the backlog took after recovery', () => {
    const attempts = [anAttempt(0, 'a'), anAttempt(500, 'b'), anAttempt(1_100, 'c'), anAttempt(1_500), anAttempt(1_900, 'd'), anAttempt(2_500, 'e')];
    const done: Record<string, number> = { a: 50, b: 560, c: 2_300, d: 4_100, e: 2_550 };

    const cost = outageCost(attempts, (id) => done[id], span);

    expect(cost.before).toEqual({ sent: 2, accepted: 2 });
    expect(cost.during).toEqual({ sent: 3, accepted: 2, completed: 2 });
    expect(cost.acceptedShare).toBeCloseTo(2 / 3);
    expect(cost.completedShare).toBe(1);
    expect(cost.completedShareAll).toBe(1);
    expect(cost.drainMs).toBe(2_100);
    // Recovery: from the return (2.0 s) until d, the last order accepted before it, was notified (4.1 s).
    expect(cost.recovery).toEqual({ ms: 2_100, orders: 4, unfinished: 0 });
    expect(cost.p99Before).toBe(60);
    expect(cost.p99During).toBe(2_200);
  });

  it('an order sent before the outage but caught by it counts to its cost, not to the steady baseline', () => {
    const cost = outageCost([anAttempt(0, 'a'), anAttempt(990, 'b')], (id) => ({ a: 40, b: 2_400 })[id], span);

    expect(cost.p99Before).toBe(40);
    expect(cost.completedShareAll).toBe(1);
  });

  it('an outage that refused every order has nothing to complete or drain', () => {
    const cost = outageCost([anAttempt(0, 'a'), anAttempt(1_200), anAttempt(1_800)], (id) => (id === 'a' ? 40 : undefined), span);

    expect(cost).toMatchObject({ acceptedShare: 0, completedShare: null, drainMs: null, p99During: null, completedShareAll: 1 });
  });

  it('an accepted order that never completed lowers the completed share', () => {
    const cost = outageCost([anAttempt(1_100, 'c'), anAttempt(1_200, 'd')], (id) => (id === 'c' ? 2_500 : undefined), span);

    expect(cost.completedShare).toBe(0.5);
  });
});

describe('percentile', () => {
  it('takes the nearest rank', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 99)).toBe(99);
    expect(percentile([], 99)).toBeNull();
  });
});
