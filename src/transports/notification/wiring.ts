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
  contacts: (ctx) => httpContacts(ctx.apis('notification')),
  subscriptions: (deps, ctx) => [
    { service: 'billing', durable: 'billing-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered, check: thinCheck,
      handler: openAccountOnUserRegistered(deps.billing, 'billing-user-registered') },
    { service: 'billing', durable: 'billing-order-created', source: 'ORDERS', subject: SUBJECTS.orderCreated, check: thinCheck,
      handler: payOnOrderCreated(deps.billing, ctx.apis('billing'), 'billing-order-created') },
    { service: 'order', durable: 'order-payment-changed', source: 'BILLING', subject: SUBJECTS.paymentChanged, check: thinCheck,
      handler: settleOnPaymentChanged(deps.order, ctx.apis('order'), 'order-payment-changed') },
    { service: 'notification', durable: 'notification-order-changed', source: 'ORDERS', subject: SUBJECTS.orderChanged, check: thinCheck,
      handler: notifyOnOrderChanged(deps.notification, ctx.apis('notification'), 'notification-order-changed') },
  ],
});
