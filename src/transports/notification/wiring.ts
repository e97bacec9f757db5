import { httpContacts } from '../rest/clients.ts';
import { eventStyleWiring } from '../events/wiring.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.subscriber.ts';
import { encodeAuth, encodeBilling, encodeOrder, SUBJECTS, thinCheck } from './events.ts';
import { notifyOnOrderChanged } from './notification.subscriber.ts';
import { settleOnPaymentChanged } from './order.subscriber.ts';

/**
 * Event notification: thin events on JetStream; every consumer reads the new state back from
 * its source over REST. Those reads are the style's cost, and the metrics count them.
 */
export const notificationWiring = eventStyleWiring({
  name: 'notification',
  encode: { auth: encodeAuth, billing: encodeBilling, order: encodeOrder },
  contacts: (ctx) => httpContacts(ctx.apis),
  subscriptions: {
    billing: (deps, ctx) => [
      { durable: 'billing-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered, check: thinCheck,
        handler: openAccountOnUserRegistered(deps, 'billing-user-registered') },
      { durable: 'billing-order-created', source: 'ORDERS', subject: SUBJECTS.orderCreated, check: thinCheck,
        handler: payOnOrderCreated(deps, ctx.apis, 'billing-order-created') },
    ],
    order: (deps, ctx) => [
      { durable: 'order-payment-changed', source: 'BILLING', subject: SUBJECTS.paymentChanged, check: thinCheck,
        handler: settleOnPaymentChanged(deps, ctx.apis, 'order-payment-changed') },
    ],
    notification: (deps, ctx) => [
      { durable: 'notification-order-changed', source: 'ORDERS', subject: SUBJECTS.orderChanged, check: thinCheck,
        handler: notifyOnOrderChanged(deps, ctx.apis, 'notification-order-changed') },
    ],
  },
});
