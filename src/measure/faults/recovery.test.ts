import { describe, expect, it } from 'vitest';
import { incidentEnds, recoveryAfter, recoveryText, slowestRecovery, watchRecovery } from './recovery.ts';

describe('recoveryAfter', () => {
  // A kill from 1.0 s to 2.0 s (the process back and ready): orders a and b were accepted before it,
  // c during it (answered by a sibling replica), d was refused, e was sent after the process was back.
  const attempts = [
    { intendedAt: 100, orderId: 'a' },
    { intendedAt: 900, orderId: 'b' },
    { intendedAt: 1_500, orderId: 'c' },
    { intendedAt: 1_600 },
    { intendedAt: 2_100, orderId: 'e' },
  ];

  it('runs from the fault’s end to the last notification of an order accepted before that end', () => {
    const notified: Record<string, number> = { a: 150, b: 3_100, c: 3_700, e: 9_000 };
    expect(recoveryAfter(attempts, (id) => notified[id], 2_000)).toEqual({ ms: 1_700, orders: 3, unfinished: 0 });
  });

  it('is zero when every such order was notified before the component was back', () => {
    const notified: Record<string, number> = { a: 150, b: 950, c: 1_550, e: 9_000 };
    expect(recoveryAfter(attempts, (id) => notified[id], 2_000)).toEqual({ ms: 0, orders: 3, unfinished: 0 });
  });

  it('is not reached when an accepted order was never notified, and says how many', () => {
    const notified: Record<string, number> = { a: 150, c: 2_500, e: 9_000 };
    expect(recoveryAfter(attempts, (id) => notified[id], 2_000)).toEqual({ ms: null, orders: 3, unfinished: 1 });
  });

  it('counts a replayed order once', () => {
    const replayed = [...attempts, { intendedAt: 1_700, orderId: 'a' }];
    expect(recoveryAfter(replayed, () => 2_500, 2_000)).toEqual({ ms: 500, orders: 3, unfinished: 0 });
  });
});

describe('slowestRecovery', () => {
  it('takes an unreached recovery over any time, else the longest', () => {
    const quick = { ms: 400, orders: 10, unfinished: 0 };
    const slow = { ms: 4_000, orders: 10, unfinished: 0 };
    const never = { ms: null, orders: 10, unfinished: 2 };
    expect(slowestRecovery([quick, slow])).toBe(slow);
    expect(slowestRecovery([quick, never, slow])).toBe(never);
    expect(slowestRecovery([])).toBeUndefined();
  });
});

describe('recoveryText', () => {
  it('reads in ms under a second, in seconds above', () => {
    expect(recoveryText({ ms: 420.4, orders: 1, unfinished: 0 })).toBe('420 ms');
    expect(recoveryText({ ms: 4_260, orders: 1, unfinished: 0 })).toBe('4.3 s');
    expect(recoveryText({ ms: null, orders: 9, unfinished: 2 })).toBe('not reached (2 of 9 orders never notified)');
  });
});

describe('watchRecovery', () => {
  it('waits for the orders accepted before the end, and those still unanswered then, and takes the last notification', () => {
    // Back at 2.0 s: a and b accepted and not notified yet, one request still open.
    const watch = watchRecovery('billing', 2_000, ['a', 'b'], 1);
    expect(watch.state(2_500)).toEqual({ what: 'billing', left: 3, ms: null, elapsedMs: 500 });

    watch.notified('a', 2_600);
    watch.accepted('c', 1_900, undefined); // the open request: answered 201 after the end
    watch.accepted('late', 2_100, undefined); // sent after the end: not part of this recovery
    watch.notified('b', 3_100);
    expect(watch.state(3_200)).toMatchObject({ left: 1, ms: null });

    watch.notified('c', 3_900);
    expect(watch.state(5_000)).toEqual({ what: 'billing', left: 0, ms: 1_900, elapsedMs: 3_000 });
  });

  it('counts a refused or failed open request as answered, and is done at once when nothing was waiting', () => {
    const watch = watchRecovery('auth', 2_000, [], 1);
    watch.refused(1_950);
    expect(watch.state(2_100)).toMatchObject({ left: 0, ms: 0 });
  });
});

describe('incidentEnds', () => {
  it('makes overlapping faults one incident that ends when the last of them is back; a fault alone ends when it is back', () => {
    const faults = [
      { doneAtMs: 7_400, backAtMs: 17_500 }, // a kill whose process took 10 s to come back
      { doneAtMs: 7_600, backAtMs: 14_900 },
      { doneAtMs: 9_500, backAtMs: 9_600 }, // a broker restart while both were down
      { doneAtMs: 16_200, backAtMs: 23_900 }, // falls before the first was back: the same incident
      { doneAtMs: 30_000, backAtMs: 31_000 }, // alone
      { doneAtMs: 30_500, skipped: 'not running' },
    ];
    expect(incidentEnds(faults)).toEqual([23_900, 23_900, 23_900, 23_900, 31_000, undefined]);
  });
});
