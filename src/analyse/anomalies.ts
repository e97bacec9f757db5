import { formatMoney } from '../services/kernel/index.ts';
import type { NotificationType, OrderStatus } from './system-state.ts';

/** What the invariant checker found wrong, with the ids a person needs to look it up. */
export type AnomalyFact =
  | { readonly type: 'account-missing'; readonly userId: string }
  | { readonly type: 'negative-balance'; readonly userId: string; readonly balance: number }
  /** deposits ≠ balance + paid orders, for one user (all amounts minor units) */
  | { readonly type: 'money-not-conserved'; readonly userId: string; readonly deposited: number; readonly balance: number; readonly paid: number }
  | { readonly type: 'total-money-not-conserved'; readonly deposited: number; readonly balance: number; readonly paid: number }
  | { readonly type: 'order-pending'; readonly userId: string; readonly orderId: string }
  | { readonly type: 'payment-missing'; readonly userId: string; readonly orderId: string }
  | { readonly type: 'payment-duplicated'; readonly userId: string; readonly orderId: string; readonly count: number }
  | {
      readonly type: 'payment-disagrees';
      readonly userId: string;
      readonly orderId: string;
      readonly order: { readonly status: OrderStatus; readonly amount: number };
      readonly payment: { readonly status: 'paid' | 'rejected'; readonly amount: number };
    }
  | { readonly type: 'payment-without-order'; readonly userId: string; readonly orderId: string; readonly amount: number }
  | { readonly type: 'notification-missing'; readonly userId: string; readonly orderId: string; readonly expected: NotificationType }
  | { readonly type: 'notification-duplicated'; readonly userId: string; readonly orderId: string; readonly notificationIds: readonly string[] }
  | {
      readonly type: 'notification-wrong-type';
      readonly userId: string;
      readonly orderId: string;
      readonly notificationId: string;
      readonly expected: NotificationType;
      readonly actual: NotificationType;
    }
  | { readonly type: 'notification-without-order'; readonly userId: string; readonly orderId: string; readonly notificationId: string }
  | { readonly type: 'acknowledged-order-lost'; readonly userId: string; readonly orderId: string }
  | { readonly type: 'acknowledged-deposit-lost'; readonly userId: string; readonly amount: number; readonly idempotencyKey: string | null }
  /** one Idempotency-Key, several orders: answered to the client, or kept by the order service */
  | { readonly type: 'idempotency-key-split'; readonly userId: string; readonly key: string; readonly orderIds: readonly string[] }
  /** the order a key was answered with does not carry the key, so a replay would place another */
  | { readonly type: 'idempotency-key-lost'; readonly userId: string; readonly key: string; readonly orderId: string };

export type Anomaly = AnomalyFact & { readonly message: string };
export type AnomalyType = AnomalyFact['type'];

/** formatMoney knows no sign; a negative balance or a shortfall needs one */
const money = (amount: number) => (amount < 0 ? `-${formatMoney(-amount)}` : formatMoney(amount));

/** One line that says what is wrong, in the words of the domain. */
function messageOf(a: AnomalyFact): string {
  switch (a.type) {
    case 'account-missing':
      return `user ${a.userId} has no billing account`;
    case 'negative-balance':
      return `user ${a.userId} has a negative balance of ${money(a.balance)}`;
    case 'money-not-conserved':
      return `user ${a.userId}: deposits ${money(a.deposited)} ≠ balance ${money(a.balance)} + paid orders ${money(a.paid)} (off by ${money(a.deposited - a.balance - a.paid)})`;
    case 'total-money-not-conserved':
      return `all users: deposits ${money(a.deposited)} ≠ balances ${money(a.balance)} + paid orders ${money(a.paid)} (off by ${money(a.deposited - a.balance - a.paid)})`;
    case 'order-pending':
      return `order ${a.orderId} of user ${a.userId} is still pending`;
    case 'payment-missing':
      return `paid order ${a.orderId} of user ${a.userId} has no payment`;
    case 'payment-duplicated':
      return `order ${a.orderId} of user ${a.userId} has ${a.count} payments`;
    case 'payment-disagrees':
      return `order ${a.orderId} of user ${a.userId} is ${a.order.status} for ${money(a.order.amount)} but its payment is ${a.payment.status} for ${money(a.payment.amount)}`;
    case 'payment-without-order':
      return `user ${a.userId} was charged ${money(a.amount)} for order ${a.orderId}, which is not among their orders`;
    case 'notification-missing':
      return `finished order ${a.orderId} of user ${a.userId} has no ${a.expected} notification`;
    case 'notification-duplicated':
      return `order ${a.orderId} of user ${a.userId} has ${a.notificationIds.length} notifications: ${a.notificationIds.join(', ')}`;
    case 'notification-wrong-type':
      return `order ${a.orderId} of user ${a.userId} should have ${a.expected} but notification ${a.notificationId} says ${a.actual}`;
    case 'notification-without-order':
      return `notification ${a.notificationId} of user ${a.userId} is for order ${a.orderId}, which is not a finished order of theirs`;
    case 'acknowledged-order-lost':
      return `order ${a.orderId} of user ${a.userId} was acknowledged with 201 and is gone`;
    case 'acknowledged-deposit-lost':
      return `a deposit of ${money(a.amount)} by user ${a.userId}${a.idempotencyKey === null ? '' : ` (Idempotency-Key ${a.idempotencyKey})`} was acknowledged with 201 and is gone`;
    case 'idempotency-key-split':
      return `Idempotency-Key ${a.key} of user ${a.userId} stands for ${a.orderIds.length} orders: ${a.orderIds.join(', ')}`;
    case 'idempotency-key-lost':
      return `order ${a.orderId} of user ${a.userId} was answered for Idempotency-Key ${a.key}, but the order service does not hold that key for it`;
  }
}

export const anomaly = (fact: AnomalyFact): Anomaly => ({ ...fact, message: messageOf(fact) });

/** One line per anomaly, for the terminal; an empty string when there is none. */
export const renderAnomalies = (anomalies: readonly Anomaly[]): string =>
  anomalies.map((a) => `${a.type}: ${a.message}\n`).join('');
