import { anomaly, type Anomaly } from './anomalies.ts';
import { expectedNotification, type Expectations, type KeyedRequest, type OrderRecord, type SystemState, type UserState } from './system-state.ts';
import { groupBy } from './group-by.ts';

/**
 * Every invariant the system promises, checked over one snapshot of its state. Pure: the caller
 * collects the state (collect-state.ts) after letting it settle (settle.ts). An empty list means the
 * state is consistent with itself and with what the client was told.
 */
export function checkInvariants(state: SystemState, expectations: Expectations = {}): Anomaly[] {
  const users = new Map(state.users.map((u) => [u.userId, u]));
  return [
    ...state.users.flatMap((user) => [...checkMoney(user), ...checkPayments(user), ...checkNotifications(user)]),
    ...checkTotal(state),
    ...checkAcknowledged(users, expectations),
    ...checkKeys(users, expectations.keyedRequests ?? []),
  ];
}

const sum = (amounts: Iterable<number>): number => {
  let total = 0;
  for (const amount of amounts) total += amount;
  return total;
};
const paidAmount = (user: UserState) => sum(user.orders.filter((o) => o.status === 'paid').map((o) => o.amount));
const deposited = (user: UserState) => sum(user.deposits.map((d) => d.amount));

/** Money is neither made nor lost: what came in is on the account or paid for an order. */
function checkMoney(user: UserState): Anomaly[] {
  const { userId, balance } = user;
  if (balance === null) return [anomaly({ type: 'account-missing', userId })];
  const found: Anomaly[] = [];
  if (balance < 0) found.push(anomaly({ type: 'negative-balance', userId, balance }));
  const [inflow, paid] = [deposited(user), paidAmount(user)];
  if (inflow !== balance + paid) found.push(anomaly({ type: 'money-not-conserved', userId, deposited: inflow, balance, paid }));
  return found;
}

/** The same balance over all users: it also catches money moved from one user to another. */
function checkTotal(state: SystemState): Anomaly[] {
  const inflow = sum(state.users.map(deposited));
  const balance = sum(state.users.map((u) => u.balance ?? 0));
  const paid = sum(state.users.map(paidAmount));
  return inflow === balance + paid ? [] : [anomaly({ type: 'total-money-not-conserved', deposited: inflow, balance, paid })];
}

/** Orders are finished, a paid one charged exactly once, a rejected one not at all. */
function checkPayments(user: UserState): Anomaly[] {
  const { userId } = user;
  const found: Anomaly[] = [];
  const payments = groupBy(user.payments, (p) => p.orderId);
  for (const order of user.orders) {
    // A pending order may yet be paid; anything more said about it would be a guess.
    if (order.status === 'pending') {
      found.push(anomaly({ type: 'order-pending', userId, orderId: order.id }));
      continue;
    }
    const theirs = payments.get(order.id) ?? [];
    if (theirs.length > 1) found.push(anomaly({ type: 'payment-duplicated', userId, orderId: order.id, count: theirs.length }));
    if (order.status === 'paid' && theirs.length === 0) found.push(anomaly({ type: 'payment-missing', userId, orderId: order.id }));
    for (const payment of theirs) {
      const agrees = order.status === 'paid' ? payment.status === 'paid' && payment.amount === order.amount : payment.status === 'rejected';
      if (!agrees) found.push(
          anomaly({
            type: 'payment-disagrees',
            userId,
            orderId: order.id,
            order: { status: order.status, amount: order.amount },
            payment: { status: payment.status, amount: payment.amount },
          }),
        );
    }
  }
  const orderIds = new Set(user.orders.map((o) => o.id));
  for (const payment of user.payments) {
    if (payment.status === 'paid' && !orderIds.has(payment.orderId)) {
      found.push(anomaly({ type: 'payment-without-order', userId, orderId: payment.orderId, amount: payment.amount }));
    }
  }
  return found;
}

/** Every finished order told its user once, with the message its outcome deserves. */
function checkNotifications(user: UserState): Anomaly[] {
  const { userId } = user;
  const found: Anomaly[] = [];
  const notes = groupBy(user.notifications, (n) => n.orderId);
  const finished = user.orders.filter((o): o is OrderRecord & { status: 'paid' | 'rejected' } => o.status !== 'pending');
  for (const order of finished) {
    const theirs = notes.get(order.id) ?? [];
    const expected = expectedNotification(order.status);
    if (theirs.length === 0) found.push(anomaly({ type: 'notification-missing', userId, orderId: order.id, expected }));
    if (theirs.length > 1) {
      found.push(anomaly({ type: 'notification-duplicated', userId, orderId: order.id, notificationIds: theirs.map((n) => n.id) }));
    }
    for (const note of theirs) {
      if (note.type !== expected) {
        found.push(anomaly({ type: 'notification-wrong-type', userId, orderId: order.id, notificationId: note.id, expected, actual: note.type }));
      }
    }
  }
  const finishedIds = new Set(finished.map((o) => o.id));
  for (const note of user.notifications) {
    if (!finishedIds.has(note.orderId)) {
      found.push(anomaly({ type: 'notification-without-order', userId, orderId: note.orderId, notificationId: note.id }));
    }
  }
  return found;
}

/** What a client saw acknowledged is still there; an order answered for a key was acknowledged too. */
function checkAcknowledged(users: ReadonlyMap<string, UserState>, expectations: Expectations): Anomaly[] {
  const found: Anomaly[] = [];
  const acknowledged = [...(expectations.acknowledgedOrders ?? []), ...(expectations.keyedRequests ?? [])];
  const seen = new Set<string>();
  for (const { userId, orderId } of acknowledged) {
    if (seen.has(`${userId}\n${orderId}`)) continue;
    seen.add(`${userId}\n${orderId}`);
    if (!users.get(userId)?.orders.some((o) => o.id === orderId)) found.push(anomaly({ type: 'acknowledged-order-lost', userId, orderId }));
  }
  const deposits = groupBy(expectations.acknowledgedDeposits ?? [], (d) => d.userId);
  for (const [userId, theirs] of deposits) {
    const stored = users.get(userId)?.deposits ?? [];
    for (const ack of theirs.filter((d) => d.idempotencyKey !== undefined)) {
      if (!stored.some((d) => d.idempotencyKey === ack.idempotencyKey && d.amount === ack.amount)) {
        found.push(anomaly({ type: 'acknowledged-deposit-lost', userId, amount: ack.amount, idempotencyKey: ack.idempotencyKey ?? null }));
      }
    }
    // Deposits without a key are told apart only by amount: each acknowledged one needs its own stored one.
    const byAmount = groupBy(theirs.filter((d) => d.idempotencyKey === undefined), (d) => String(d.amount));
    for (const [, same] of byAmount) {
      const amount = same[0]?.amount ?? 0;
      const kept = stored.filter((d) => d.idempotencyKey === null && d.amount === amount).length;
      for (let i = kept; i < same.length; i++) found.push(anomaly({ type: 'acknowledged-deposit-lost', userId, amount, idempotencyKey: null }));
    }
  }
  return found;
}

/** One Idempotency-Key, one order: in every answer the client got, and in what the order service keeps. */
function checkKeys(users: ReadonlyMap<string, UserState>, requests: readonly KeyedRequest[]): Anomaly[] {
  const found: Anomaly[] = [];
  const orderIdsByKey = new Map<string, { userId: string; key: string; orderIds: Set<string> }>();
  const note = (userId: string, key: string, orderId: string) => {
    const k = JSON.stringify([userId, key]);
    const entry = orderIdsByKey.get(k) ?? { userId, key, orderIds: new Set<string>() };
    entry.orderIds.add(orderId);
    orderIdsByKey.set(k, entry);
  };
  for (const r of requests) note(r.userId, r.key, r.orderId);
  for (const user of users.values()) for (const o of user.orders) if (o.idempotencyKey !== null) note(user.userId, o.idempotencyKey, o.id);
  for (const { userId, key, orderIds } of orderIdsByKey.values()) {
    if (orderIds.size > 1) found.push(anomaly({ type: 'idempotency-key-split', userId, key, orderIds: [...orderIds].sort() }));
  }
  const reported = new Set<string>();
  for (const { userId, key, orderId } of requests) {
    const order = users.get(userId)?.orders.find((o) => o.id === orderId);
    // A missing order is reported as lost above; here only an order that forgot its key.
    const k = JSON.stringify([userId, key, orderId]);
    if (order && order.idempotencyKey !== key && !reported.has(k)) {
      reported.add(k);
      found.push(anomaly({ type: 'idempotency-key-lost', userId, key, orderId }));
    }
  }
  return found;
}
