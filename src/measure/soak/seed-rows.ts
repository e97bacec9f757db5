import { v7 as uuidv7 } from 'uuid';
import type { BillingEvent } from '../../services/billing/index.ts';
import { toPayment } from '../../services/billing/index.ts';
import type { PaymentsTable } from '../../services/billing/schema.ts';
import { notificationMessage } from '../../services/notification/index.ts';
import type { NotificationsTable } from '../../services/notification/schema.ts';
import type { OrderEvent } from '../../services/order/index.ts';
import { orderFingerprint, toOrder } from '../../services/order/index.ts';
import type { OrdersTable } from '../../services/order/schema.ts';
import { childTraceparent, newEnvelope, newTraceparent, OUTBOX_LEASE_MS, outboxRow } from '../../platform/events/index.ts';
import type { InboxTable, OutboxTable } from '../../platform/events/index.ts';
import * as collaboration from '../../transports/collaboration/events.ts';
import * as thin from '../../transports/notification/events.ts';
import type { OutgoingMessage } from '../../transports/events/bus.ts';
import type { Style } from '../../model/style.ts';

/** One order of the stored history: placed, paid and notified, as a real one settles. */
export interface HistoricOrder {
  readonly userId: string;
  /** the user's name, which the notification's text carries */
  readonly userName: string;
  /** minor units */
  readonly amount: number;
  /** ms epoch the order was placed; its settlement takes the next STEPS_MS */
  readonly at: number;
  /** the account's balance right after this order's payment */
  readonly balanceAfter: number;
}

/** ms one order's settlement spans: created, paid, settled, notified, marked settled, one ms apart */
export const STEPS_MS = 5;

export type SeededRow =
  | { readonly table: 'orders'; readonly row: OrdersTable }
  | { readonly table: 'payments'; readonly row: PaymentsTable }
  | { readonly table: 'notifications'; readonly row: NotificationsTable }
  | { readonly table: 'outbox'; readonly row: OutboxTable }
  | { readonly table: 'inbox'; readonly row: InboxTable };

/** What one order leaves in each service's database. */
export type HistoryRows = Readonly<Record<'order' | 'billing' | 'notification', SeededRow[]>>;

/** How an event style carries an order: what each event becomes on the wire, and who consumes it. */
interface EventFlow {
  readonly encodeOrder: (event: OrderEvent) => OutgoingMessage;
  readonly encodeBilling: (event: BillingEvent) => OutgoingMessage;
  /** the durable consumers that pay on the order's creation, settle on its payment and notify on its end */
  readonly consumers: { readonly pay: string; readonly settle: string; readonly notify: string };
}

export const FLOWS: Readonly<Record<Exclude<Style, 'rest'>, EventFlow>> = {
  notification: {
    encodeOrder: thin.encodeOrder,
    encodeBilling: thin.encodeBilling,
    consumers: { pay: thin.CONSUMERS.billingOrderCreated, settle: thin.CONSUMERS.orderPaymentChanged, notify: thin.CONSUMERS.notificationOrderChanged },
  },
  collaboration: {
    encodeOrder: collaboration.encodeOrder,
    encodeBilling: collaboration.encodeBilling,
    consumers: {
      pay: collaboration.CONSUMERS.billingOrderCreated,
      settle: collaboration.CONSUMERS.orderPaymentCompleted,
      notify: collaboration.CONSUMERS.notificationOrderFinished,
    },
  },
};

export interface RowOptions {
  readonly style: Style;
  /** the event styles' subject prefix, as the system's data directory keeps it */
  readonly namespace?: string;
  /** names the relay that published a service's rows, as a relay names its claims (`<service>-<pid>`) */
  readonly relayOf: (service: 'order' | 'billing') => string;
}

/** The amounts repeat (1.00 to 100.00), and hashing each order's body again would cost the most of all. */
const fingerprints = new Map<number, string>();
const fingerprintOf = (amount: number): string => {
  let print = fingerprints.get(amount);
  if (print === undefined) fingerprints.set(amount, (print = orderFingerprint({ amount })));
  return print;
};

/**
 * The rows a paid order leaves, built with the services' own functions (fingerprint, message, event
 * encoding, outbox row), so they cannot drift from what the services write. The event styles add the
 * consumer's inbox row for every event of the order, which a system keeps. The events' outbox rows are
 * built for their ids but not written: a relay deletes a sent row after OUTBOX_KEEP_SENT_MS, and the
 * history is older than that.
 */
export function historyRows(order: HistoricOrder, opts: RowOptions): HistoryRows {
  const t = order.at;
  const id = uuidv7({ msecs: t });
  const placed: OrdersTable = {
    id,
    user_id: order.userId,
    amount: order.amount,
    items: null,
    status: 'pending',
    version: 1,
    // The bench sends no Idempotency-Key; a NULL key never conflicts.
    idempotency_key: null,
    fingerprint: fingerprintOf(order.amount),
    created_at: t,
    updated_at: t,
    settled_at: null,
  };
  // Only the RESTful style's order service records that it saw the settlement through.
  const paid: OrdersTable = { ...placed, status: 'paid', version: 2, updated_at: t + 2, settled_at: opts.style === 'rest' ? t + 4 : null };
  const payment: PaymentsTable = { order_id: id, user_id: order.userId, amount: order.amount, status: 'paid', balance_after: order.balanceAfter, created_at: t + 1 };
  const outcome = { orderId: id, userId: order.userId, amount: order.amount, status: 'paid' as const };
  const notification: NotificationsTable = {
    id: uuidv7({ msecs: t + 3 }),
    order_id: id,
    user_id: order.userId,
    type: 'order.paid',
    message: notificationMessage(outcome, { name: order.userName }),
    created_at: t + 3,
  };
  const rows: HistoryRows = {
    order: [{ table: 'orders', row: paid }],
    billing: [{ table: 'payments', row: payment }],
    notification: [{ table: 'notifications', row: notification }],
  };
  if (opts.style === 'rest') return rows;

  const flow = FLOWS[opts.style];
  // One trace per order, as the user's request starts it; each event is a span of its own.
  const trace = newTraceparent();
  const sent = (service: 'order' | 'billing', message: OutgoingMessage, at: number): OutboxTable => {
    const envelope = newEnvelope(message.type, message.data, { id: uuidv7({ msecs: at }), occurredAt: new Date(at), traceparent: childTraceparent(trace) });
    const row = outboxRow({ subject: `${opts.namespace}.${message.subject}`, envelope, now: at, claim: { relayId: opts.relayOf(service), until: at + OUTBOX_LEASE_MS } });
    return { ...row, sent_at: at + 1 };
  };
  const created = sent('order', flow.encodeOrder({ type: 'order.created', order: toOrder(placed) }), t);
  const decided = sent('billing', flow.encodeBilling({ type: 'payment.completed', payment: toPayment(payment) }), t + 1);
  const finished = sent('order', flow.encodeOrder({ type: 'order.finished', order: toOrder(paid) }), t + 2);
  const handled = (consumer: string, event: OutboxTable): SeededRow => ({
    table: 'inbox',
    row: { consumer, event_id: event.id, processed_at: event.created_at + 1 },
  });
  rows.order.push(handled(flow.consumers.settle, decided));
  rows.billing.push(handled(flow.consumers.pay, created));
  rows.notification.push(handled(flow.consumers.notify, finished));
  return rows;
}
