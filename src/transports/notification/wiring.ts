import { httpContacts } from '../http/clients.ts';
import { eventStyleWiring } from '../events/wiring.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.handler.ts';
import { CONSUMERS, encodeAuth, encodeBilling, encodeOrder, SUBJECTS, thinCheck } from './events.ts';
import { notifyOnOrderChanged } from './notification.handler.ts';
import { settleOnPaymentChanged } from './order.handler.ts';

/**
 * Event notification: thin events on JetStream; every consumer reads the new state back from
 * its source over REST. Those reads are the style's cost, and the metrics count them.
 */
export const notificationWiring = eventStyleWiring({
  name: 'notification',
  encode: { auth: encodeAuth, billing: encodeBilling, order: encodeOrder },
  contacts: (ctx) => httpContacts(ctx.apis),
  subscriptions: {
    billing: [
      { durable: CONSUMERS.billingUserRegistered, source: 'AUTH', subject: SUBJECTS.userRegistered, check: thinCheck,
        handler: (deps, _ctx, durable) => openAccountOnUserRegistered(deps, durable) },
      { durable: CONSUMERS.billingOrderCreated, source: 'ORDERS', subject: SUBJECTS.orderCreated, check: thinCheck,
        handler: (deps, ctx, durable) => payOnOrderCreated(deps, ctx.apis, durable) },
    ],
    order: [
      { durable: CONSUMERS.orderPaymentChanged, source: 'BILLING', subject: SUBJECTS.paymentChanged, check: thinCheck,
        handler: (deps, ctx, durable) => settleOnPaymentChanged(deps, ctx.apis, durable) },
    ],
    notification: [
      { durable: CONSUMERS.notificationOrderChanged, source: 'ORDERS', subject: SUBJECTS.orderChanged, check: thinCheck,
        handler: (deps, ctx, durable) => notifyOnOrderChanged(deps, ctx.apis, durable) },
    ],
  },
});
