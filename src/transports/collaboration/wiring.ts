import { localContacts } from '../../services/notification/index.ts';
import { eventStyleWiring } from '../events/wiring.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.handler.ts';
import { checks, encodeAuth, encodeBilling, encodeOrder, SUBJECTS } from './events.ts';
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
      { durable: 'billing-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.account, handler: openAccountOnUserRegistered(deps, 'billing-user-registered') },
      { durable: 'billing-order-created', source: 'ORDERS', subject: SUBJECTS.orderCreated,
        check: checks.orderToPay, handler: payOnOrderCreated(deps, 'billing-order-created') },
    ],
    order: (deps) => [
      { durable: 'order-payment-completed', source: 'BILLING', subject: SUBJECTS.paymentCompleted,
        check: checks.paymentOutcome, handler: settleOnPaymentCompleted(deps, 'order-payment-completed') },
    ],
    notification: (deps) => [
      { durable: 'notification-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.contact, handler: rememberContactOnUserRegistered(deps, 'notification-user-registered') },
      { durable: 'notification-order-finished', source: 'ORDERS', subject: SUBJECTS.orderFinished,
        check: checks.finishedOrder, handler: notifyOnOrderFinished(deps, 'notification-order-finished') },
    ],
  },
});
