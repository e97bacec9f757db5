import { localContacts } from '../../services/notification/index.ts';
import type { StyleWiring, WiringContext } from '../wiring.ts';
import { eventBus } from '../events/bus.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.handler.ts';
import { checks, encodeAuth, encodeBilling, encodeOrder, SUBJECTS } from './events.ts';
import { notifyOnOrderFinished, rememberContactOnUserRegistered } from './notification.handler.ts';
import { settleOnPaymentCompleted } from './order.handler.ts';

/**
 * Event collaboration: events carry the full state; consumers keep what they need locally
 * and call no other service after the user's own request.
 */
export function collaborationWiring(ctx: WiringContext): StyleWiring {
  if (!ctx.bus) throw new Error('the collaboration style needs a NATS server');
  const bus = eventBus({ ...ctx.bus, metrics: ctx.metrics, databases: Object.values(ctx.dbs) });
  return {
    events: {
      auth: bus.publisher('auth', ctx.dbs.auth, encodeAuth),
      billing: bus.publisher('billing', ctx.dbs.billing, encodeBilling),
      order: bus.publisher('order', ctx.dbs.order, encodeOrder),
    },
    onRegistered: async () => {},
    settle: () => async (order) => order,
    contacts: (dbs) => localContacts({ db: dbs.notification }),
    async start(deps) {
      bus.subscribe({ service: 'billing', durable: 'billing-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.account, handler: openAccountOnUserRegistered(deps.billing, 'billing-user-registered') });
      bus.subscribe({ service: 'notification', durable: 'notification-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered,
        check: checks.contact, handler: rememberContactOnUserRegistered(deps.notification, 'notification-user-registered') });
      bus.subscribe({ service: 'billing', durable: 'billing-order-created', source: 'ORDERS', subject: SUBJECTS.orderCreated,
        check: checks.orderToPay, handler: payOnOrderCreated(deps.billing, 'billing-order-created') });
      bus.subscribe({ service: 'order', durable: 'order-payment-completed', source: 'BILLING', subject: SUBJECTS.paymentCompleted,
        check: checks.paymentOutcome, handler: settleOnPaymentCompleted(deps.order, 'order-payment-completed') });
      bus.subscribe({ service: 'notification', durable: 'notification-order-finished', source: 'ORDERS', subject: SUBJECTS.orderFinished,
        check: checks.finishedOrder, handler: notifyOnOrderFinished(deps.notification, 'notification-order-finished') });
      await bus.start();
    },
    stop: () => bus.stop(),
    health: (service) => bus.health(service),
  };
}
