import { describe, expect, it } from 'vitest';
import { isSettled, settle } from './settle.ts';
import type { OrderStatus, SystemState } from './system-state.ts';

const stateWith = (status: OrderStatus, notified: boolean): SystemState => ({
  users: [
    {
      userId: 'u-1',
      balance: 0,
      deposits: [],
      orders: [{ id: 'o-1', amount: 100, status, idempotencyKey: null }],
      payments: [],
      notifications: notified ? [{ id: 'n-1', orderId: 'o-1', type: 'order.rejected' }] : [],
    },
  ],
});

/** a read that returns the given states in turn, the last one for ever, and counts its calls */
function reads(...states: (SystemState | Error)[]) {
  let calls = 0;
  const read = async () => {
    const next = states[Math.min(calls++, states.length - 1)];
    if (next instanceof Error) throw next;
    if (!next) throw new Error('no state');
    return next;
  };
  return { read, calls: () => calls };
}

describe('settle', () => {
  it('isSettled - an order is settled once it is finished and its notification is stored', () => {
    expect(isSettled(stateWith('pending', false))).toBe(false);
    expect(isSettled(stateWith('rejected', false))).toBe(false);
    expect(isSettled(stateWith('rejected', true))).toBe(true);
  });

  it('settle - reads until the state settles and returns that state', async () => {
    const done = stateWith('rejected', true);
    const source = reads(stateWith('pending', false), new Error('billing restarting'), stateWith('rejected', false), done);

    expect(await settle(source.read, { timeoutMs: 5_000, intervalMs: 1 })).toBe(done);
    expect(source.calls()).toBe(4);
  });

  it('settle - at the deadline returns the last state read, unsettled, for the check to report', async () => {
    const stuck = stateWith('pending', false);
    const started = Date.now();

    expect(await settle(reads(stuck).read, { timeoutMs: 100, intervalMs: 10 })).toBe(stuck);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('settle - throws when no read succeeded before the deadline', async () => {
    await expect(settle(reads(new Error('connection refused')).read, { timeoutMs: 50, intervalMs: 10 })).rejects.toThrow(/could not be read within 50 ms/);
  });
});
