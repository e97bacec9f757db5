/**
 * The system's state as the invariant checker sees it: plain data, read through the public API and
 * the services' internal read routes (collect-state.ts), or built by hand in tests.
 */

export type OrderStatus = 'pending' | 'paid' | 'rejected';
export type NotificationType = 'order.paid' | 'order.rejected';

export interface DepositRecord {
  readonly id: string;
  /** minor units */
  readonly amount: number;
  readonly idempotencyKey: string | null;
}

export interface OrderRecord {
  readonly id: string;
  /** minor units */
  readonly amount: number;
  readonly status: OrderStatus;
  /** the Idempotency-Key the order was placed with, as the order service keeps it */
  readonly idempotencyKey: string | null;
}

export interface PaymentRecord {
  readonly orderId: string;
  /** minor units */
  readonly amount: number;
  readonly status: 'paid' | 'rejected';
}

export interface NotificationRecord {
  readonly id: string;
  readonly orderId: string;
  readonly type: NotificationType;
}

export interface UserState {
  readonly userId: string;
  /** minor units; null when billing has no account for the user */
  readonly balance: number | null;
  readonly deposits: readonly DepositRecord[];
  readonly orders: readonly OrderRecord[];
  readonly payments: readonly PaymentRecord[];
  readonly notifications: readonly NotificationRecord[];
}

export interface SystemState {
  readonly users: readonly UserState[];
}

/** A request the client saw answered 201: whatever happened afterwards, it must still be there. */
export interface AcknowledgedOrder {
  readonly userId: string;
  readonly orderId: string;
}

/**
 * The public API answers a deposit with the new balance, not an id, so a client knows a deposit by
 * its amount and, when it sent one, its Idempotency-Key.
 */
export interface AcknowledgedDeposit {
  readonly userId: string;
  /** minor units */
  readonly amount: number;
  readonly idempotencyKey?: string;
}

/** One POST /orders with an Idempotency-Key, and the order id its 201 carried (a replay's included). */
export interface KeyedRequest {
  readonly userId: string;
  readonly key: string;
  readonly orderId: string;
}

/** What the client knows happened, to hold the state against. */
export interface Expectations {
  readonly acknowledgedOrders?: readonly AcknowledgedOrder[];
  readonly acknowledgedDeposits?: readonly AcknowledgedDeposit[];
  readonly keyedRequests?: readonly KeyedRequest[];
}

export const expectedNotification = (status: 'paid' | 'rejected'): NotificationType =>
  status === 'paid' ? 'order.paid' : 'order.rejected';
