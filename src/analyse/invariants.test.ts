import { describe, expect, it } from 'vitest';
import { renderAnomalies, type Anomaly } from './anomalies.ts';
import { checkInvariants } from './invariants.ts';
import type { Expectations, OrderRecord, SystemState, UserState } from './system-state.ts';

/**
 * A consistent user: deposited 10 000, paid order o-paid (3 000) and was refused order o-rejected
 * (9 000), so 7 000 is left, and each order has its payment and its one notification.
 */
function aUser(overrides: Partial<UserState> = {}): UserState {
  return {
    userId: 'u-1',
    balance: 7_000,
    deposits: [{ id: 'd-1', amount: 10_000, idempotencyKey: 'dep-key' }],
    orders: [
      { id: 'o-paid', amount: 3_000, status: 'paid', idempotencyKey: 'key-1' },
      { id: 'o-rejected', amount: 9_000, status: 'rejected', idempotencyKey: null },
    ],
    payments: [
      { orderId: 'o-paid', amount: 3_000, status: 'paid' },
      { orderId: 'o-rejected', amount: 9_000, status: 'rejected' },
    ],
    notifications: [
      { id: 'n-1', orderId: 'o-paid', type: 'order.paid' },
      { id: 'n-2', orderId: 'o-rejected', type: 'order.rejected' },
    ],
    ...overrides,
  };
}
const stateOf = (...users: UserState[]): SystemState => ({ users });
const healthy = aUser();
const told: Expectations = {
  acknowledgedOrders: [
    { userId: 'u-1', orderId: 'o-paid' },
    { userId: 'u-1', orderId: 'o-rejected' },
  ],
  acknowledgedDeposits: [{ userId: 'u-1', amount: 10_000, idempotencyKey: 'dep-key' }],
  keyedRequests: [
    { userId: 'u-1', key: 'key-1', orderId: 'o-paid' },
    { userId: 'u-1', key: 'key-1', orderId: 'o-paid' },
  ],
};
const typesOf = (anomalies: Anomaly[]) => anomalies.map((a) => a.type).sort();

describe('checkInvariants', () => {
  it('finds nothing wrong with a consistent system, a replayed key included', () => {
    const other = aUser({ userId: 'u-2', deposits: [], balance: 0, orders: [], payments: [], notifications: [] });

    expect(checkInvariants(stateOf(healthy, other), told)).toEqual([]);
  });

  it('catches a double charge: a second payment for a paid order, and the money it took', () => {
    const charged = aUser({ balance: 4_000, payments: [...healthy.payments, { orderId: 'o-paid', amount: 3_000, status: 'paid' }] });

    const anomalies = checkInvariants(stateOf(charged), told);

    expect(typesOf(anomalies)).toEqual(['money-not-conserved', 'payment-duplicated', 'total-money-not-conserved']);
    expect(anomalies).toContainEqual(expect.objectContaining({ type: 'payment-duplicated', userId: 'u-1', orderId: 'o-paid', count: 2 }));
    expect(anomalies).toContainEqual(
      expect.objectContaining({ type: 'money-not-conserved', userId: 'u-1', deposited: 10_000, balance: 4_000, paid: 3_000 }),
    );
  });

  it('catches a charge for an order the user does not have', () => {
    const charged = aUser({ balance: 6_000, payments: [...healthy.payments, { orderId: 'o-ghost', amount: 1_000, status: 'paid' }] });

    expect(checkInvariants(stateOf(charged))).toContainEqual(
      expect.objectContaining({ type: 'payment-without-order', userId: 'u-1', orderId: 'o-ghost', amount: 1_000 }),
    );
  });

  it('catches a rejected order that moved money, and a paid order without a payment', () => {
    const swapped = aUser({
      payments: [{ orderId: 'o-rejected', amount: 9_000, status: 'paid' }],
    });

    const anomalies = checkInvariants(stateOf(swapped));

    expect(anomalies).toContainEqual(expect.objectContaining({ type: 'payment-missing', orderId: 'o-paid' }));
    expect(anomalies).toContainEqual(
      expect.objectContaining({ type: 'payment-disagrees', orderId: 'o-rejected', order: { status: 'rejected', amount: 9_000 }, payment: { status: 'paid', amount: 9_000 } }),
    );
  });

  it('catches a lost notification', () => {
    const anomalies = checkInvariants(stateOf(aUser({ notifications: healthy.notifications.slice(1) })), told);

    expect(anomalies).toEqual([
      expect.objectContaining({ type: 'notification-missing', userId: 'u-1', orderId: 'o-paid', expected: 'order.paid' }),
    ]);
  });

  it('catches a duplicate notification, and one of the wrong type', () => {
    const notifications = [...healthy.notifications, { id: 'n-3', orderId: 'o-rejected', type: 'order.paid' as const }];

    const anomalies = checkInvariants(stateOf(aUser({ notifications })), told);

    expect(anomalies).toEqual([
      expect.objectContaining({ type: 'notification-duplicated', orderId: 'o-rejected', notificationIds: ['n-2', 'n-3'] }),
      expect.objectContaining({ type: 'notification-wrong-type', orderId: 'o-rejected', notificationId: 'n-3', expected: 'order.rejected', actual: 'order.paid' }),
    ]);
  });

  it('catches a notification for an order that is not finished', () => {
    const notifications = [...healthy.notifications, { id: 'n-9', orderId: 'o-elsewhere', type: 'order.paid' as const }];

    expect(checkInvariants(stateOf(aUser({ notifications })))).toEqual([
      expect.objectContaining({ type: 'notification-without-order', orderId: 'o-elsewhere', notificationId: 'n-9' }),
    ]);
  });

  it('catches an order stuck in pending, and says nothing else about it', () => {
    const stuck: OrderRecord = { id: 'o-stuck', amount: 500, status: 'pending', idempotencyKey: null };

    expect(checkInvariants(stateOf(aUser({ orders: [...healthy.orders, stuck] })), told)).toEqual([
      expect.objectContaining({ type: 'order-pending', userId: 'u-1', orderId: 'o-stuck' }),
    ]);
  });

  it('catches a negative balance', () => {
    const overdrawn = aUser({ balance: -500, deposits: [{ id: 'd-1', amount: 2_500, idempotencyKey: 'dep-key' }], orders: healthy.orders.slice(0, 1) });

    const anomalies = checkInvariants(stateOf({ ...overdrawn, payments: healthy.payments.slice(0, 1), notifications: healthy.notifications.slice(0, 1) }));

    expect(anomalies).toEqual([expect.objectContaining({ type: 'negative-balance', userId: 'u-1', balance: -500 })]);
  });

  it('catches money that appeared from nowhere, per user and in total', () => {
    const anomalies = checkInvariants(stateOf(aUser({ balance: 7_100 }), aUser({ userId: 'u-2' })));

    expect(anomalies).toEqual([
      expect.objectContaining({ type: 'money-not-conserved', userId: 'u-1', deposited: 10_000, balance: 7_100, paid: 3_000 }),
      expect.objectContaining({ type: 'total-money-not-conserved', deposited: 20_000, balance: 14_100, paid: 6_000 }),
    ]);
  });

  it('catches a user without a billing account', () => {
    expect(checkInvariants(stateOf(aUser({ balance: null, deposits: [] })))).toContainEqual(
      expect.objectContaining({ type: 'account-missing', userId: 'u-1' }),
    );
  });

  it('catches a lost acknowledged order, and a lost acknowledged deposit with and without a key', () => {
    const expectations: Expectations = {
      acknowledgedOrders: [{ userId: 'u-1', orderId: 'o-gone' }, ...(told.acknowledgedOrders ?? [])],
      acknowledgedDeposits: [
        { userId: 'u-1', amount: 10_000, idempotencyKey: 'dep-key' },
        { userId: 'u-1', amount: 10_000, idempotencyKey: 'other-key' },
        { userId: 'u-1', amount: 250 },
      ],
    };

    expect(checkInvariants(stateOf(healthy), expectations)).toEqual([
      expect.objectContaining({ type: 'acknowledged-order-lost', userId: 'u-1', orderId: 'o-gone' }),
      expect.objectContaining({ type: 'acknowledged-deposit-lost', userId: 'u-1', amount: 10_000, idempotencyKey: 'other-key' }),
      expect.objectContaining({ type: 'acknowledged-deposit-lost', userId: 'u-1', amount: 250, idempotencyKey: null }),
    ]);
  });

  it('counts deposits without a key: two acknowledged, one stored, is one lost', () => {
    const user = aUser({ balance: 7_250, deposits: [...healthy.deposits, { id: 'd-2', amount: 250, idempotencyKey: null }] });
    const twice = { userId: 'u-1', amount: 250 };

    expect(typesOf(checkInvariants(stateOf(user), { acknowledgedDeposits: [twice] }))).toEqual([]);
    expect(typesOf(checkInvariants(stateOf(user), { acknowledgedDeposits: [twice, twice] }))).toEqual(['acknowledged-deposit-lost']);
  });

  it('catches a broken Idempotency-Key: a replay answered with another order', () => {
    const second: OrderRecord = { id: 'o-second', amount: 3_000, status: 'rejected', idempotencyKey: null };
    const user = aUser({
      orders: [...healthy.orders, second],
      payments: [...healthy.payments, { orderId: 'o-second', amount: 3_000, status: 'rejected' }],
      notifications: [...healthy.notifications, { id: 'n-4', orderId: 'o-second', type: 'order.rejected' }],
    });
    const expectations = { keyedRequests: [{ userId: 'u-1', key: 'key-1', orderId: 'o-paid' }, { userId: 'u-1', key: 'key-1', orderId: 'o-second' }] };

    expect(checkInvariants(stateOf(user), expectations)).toEqual([
      expect.objectContaining({ type: 'idempotency-key-split', userId: 'u-1', key: 'key-1', orderIds: ['o-paid', 'o-second'] }),
      expect.objectContaining({ type: 'idempotency-key-lost', userId: 'u-1', key: 'key-1', orderId: 'o-second' }),
    ]);
  });

  it('catches one key kept for two orders by the order service, whatever the client saw', () => {
    const orders = healthy.orders.map((o) => ({ ...o, idempotencyKey: 'key-1' }));

    expect(checkInvariants(stateOf(aUser({ orders })))).toEqual([
      expect.objectContaining({ type: 'idempotency-key-split', key: 'key-1', orderIds: ['o-paid', 'o-rejected'] }),
    ]);
  });

  it('a key belongs to one user: two users with the same key and their own orders are fine', () => {
    const other = aUser({ userId: 'u-2', orders: healthy.orders.map((o) => (o.id === 'o-paid' ? { ...o, id: 'o-paid-2' } : { ...o, id: 'o-rej-2' })) });
    const state = stateOf(healthy, {
      ...other,
      payments: other.payments.map((p) => ({ ...p, orderId: p.orderId === 'o-paid' ? 'o-paid-2' : 'o-rej-2' })),
      notifications: other.notifications.map((n) => ({ ...n, orderId: n.orderId === 'o-paid' ? 'o-paid-2' : 'o-rej-2' })),
    });

    expect(checkInvariants(state, { keyedRequests: [{ userId: 'u-2', key: 'key-1', orderId: 'o-paid-2' }, ...(told.keyedRequests ?? [])] })).toEqual([]);
  });
});

describe('renderAnomalies', () => {
  it('prints one line per anomaly, naming its type and the ids involved, with signed amounts', () => {
    const anomalies = checkInvariants(stateOf(aUser({ balance: -500, notifications: [] })));

    const lines = renderAnomalies(anomalies).split('\n').filter(Boolean);

    expect(lines).toHaveLength(anomalies.length);
    expect(lines).toContain('negative-balance: user u-1 has a negative balance of -5.00 RUB');
    expect(lines).toContain('notification-missing: finished order o-paid of user u-1 has no order.paid notification');
    expect(lines.find((l) => l.startsWith('money-not-conserved'))).toContain('off by 75.00 RUB');
  });

  it('prints nothing when there is nothing wrong', () => {
    expect(renderAnomalies([])).toBe('');
  });
});
