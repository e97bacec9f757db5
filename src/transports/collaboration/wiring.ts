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
    billing: (deps) => [
      { durable: CONSUMERS.billingUserRegistered, source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.account, handler: openAccountOnUserRegistered(deps, CONSUMERS.billingUserRegistered) },
      { durable: CONSUMERS.billingOrderCreated, source: 'ORDERS', subject: SUBJECTS.orderCreated,
        check: checks.orderToPay, handler: payOnOrderCreated(deps, CONSUMERS.billingOrderCreated) },
    ],
    order: (deps) => [
      { durable: CONSUMERS.orderPaymentCompleted, source: 'BILLING', subject: SUBJECTS.paymentCompleted,
        check: checks.paymentOutcome, handler: settleOnPaymentCompleted(deps, CONSUMERS.orderPaymentCompleted) },
    ],
    notification: (deps) => [
      { durable: CONSUMERS.notificationUserRegistered, source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.contact, handler: rememberContactOnUserRegistered(deps, CONSUMERS.notificationUserRegistered) },
      { durable: CONSUMERS.notificationOrderFinished, source: 'ORDERS', subject: SUBJECTS.orderFinished,
        check: checks.finishedOrder, handler: notifyOnOrderFinished(deps, CONSUMERS.notificationOrderFinished) },
    ],
  },
});
