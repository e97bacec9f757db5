import { localContacts } from '../../services/notification/index.ts';
import { eventStyleWiring } from '../events/wiring.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.handler.ts';
import { checks, CONSUMERS, encodeAuth, encodeBilling, encodeOrder, SUBJECTS } from './events.ts';
import { notifyOnOrderFinished, rememberContactOnUserRegistered } from './notification.handler.ts';
import { settleOnPaymentCompleted } from './order.handler.ts';

/**
 * Event collaboration: events carry the full state; consumers keep what they need locally
 * and call no other service after the user's own request.
 */
export const collaborationWiring = eventStyleWiring({
  name: 'collaboration',
  encode: { auth: encodeAuth, billing: encodeBilling, order: encodeOrder },
  contacts: () => localContacts(),
  subscriptions: {
    billing: [
      { durable: CONSUMERS.billingUserRegistered, source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.account, handler: (deps, _ctx, durable) => openAccountOnUserRegistered(deps, durable) },
      { durable: CONSUMERS.billingOrderCreated, source: 'ORDERS', subject: SUBJECTS.orderCreated,
        check: checks.orderToPay, handler: (deps, _ctx, durable) => payOnOrderCreated(deps, durable) },
    ],
    order: [
      { durable: CONSUMERS.orderPaymentCompleted, source: 'BILLING', subject: SUBJECTS.paymentCompleted,
        check: checks.paymentOutcome, handler: (deps, _ctx, durable) => settleOnPaymentCompleted(deps, durable) },
    ],
    notification: [
      { durable: CONSUMERS.notificationUserRegistered, source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.contact, handler: (deps, _ctx, durable) => rememberContactOnUserRegistered(deps, durable) },
      { durable: CONSUMERS.notificationOrderFinished, source: 'ORDERS', subject: SUBJECTS.orderFinished,
        check: checks.finishedOrder, handler: (deps, _ctx, durable) => notifyOnOrderFinished(deps, durable) },
    ],
  },
});
