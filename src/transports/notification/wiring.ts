import { httpContacts } from '../rest/clients.ts';
import { eventStyleWiring } from '../events/wiring.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.subscriber.ts';
import { CONSUMERS, encodeAuth, encodeBilling, encodeOrder, SUBJECTS, thinCheck } from './events.ts';
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
      { durable: CONSUMERS.billingUserRegistered, source: 'AUTH', subject: SUBJECTS.userRegistered, check: thinCheck,
        handler: openAccountOnUserRegistered(deps, CONSUMERS.billingUserRegistered) },
      { durable: CONSUMERS.billingOrderCreated, source: 'ORDERS', subject: SUBJECTS.orderCreated, check: thinCheck,
        handler: payOnOrderCreated(deps, ctx.apis, CONSUMERS.billingOrderCreated) },
    ],
    order: (deps, ctx) => [
      { durable: CONSUMERS.orderPaymentChanged, source: 'BILLING', subject: SUBJECTS.paymentChanged, check: thinCheck,
        handler: settleOnPaymentChanged(deps, ctx.apis, CONSUMERS.orderPaymentChanged) },
    ],
    notification: (deps, ctx) => [
      { durable: CONSUMERS.notificationOrderChanged, source: 'ORDERS', subject: SUBJECTS.orderChanged, check: thinCheck,
        handler: notifyOnOrderChanged(deps, ctx.apis, CONSUMERS.notificationOrderChanged) },
    ],
  },
});
