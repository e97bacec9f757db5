import type { StyleWiring, WiringContext } from '../wiring.ts';
import { httpContacts } from '../rest/clients.ts';
import { eventBus } from '../events/bus.ts';
import { openAccountOnUserRegistered, payOnOrderCreated } from './billing.subscriber.ts';
import { encodeAuth, encodeBilling, encodeOrder, SUBJECTS, thinCheck } from './events.ts';
import { notifyOnOrderChanged } from './notification.subscriber.ts';
import { settleOnPaymentChanged } from './order.subscriber.ts';

/**
 * Event notification: thin events on JetStream; every consumer reads the new state back from
 * its source over REST. Those reads are the style's cost, and the metrics count them.
 */
export function notificationWiring(ctx: WiringContext): StyleWiring {
  if (!ctx.bus) throw new Error('the notification style needs a NATS server');
  const bus = eventBus({ ...ctx.bus, metrics: ctx.metrics, databases: Object.values(ctx.dbs) });
  return {
    events: {
      auth: bus.publisher('auth', ctx.dbs.auth, encodeAuth),
      billing: bus.publisher('billing', ctx.dbs.billing, encodeBilling),
      order: bus.publisher('order', ctx.dbs.order, encodeOrder),
    },
    onRegistered: async () => {},
    settle: () => async (order) => order,
    contacts: () => httpContacts(ctx.apis('notification')),
    async start(deps) {
      const sub = { check: thinCheck };
      bus.subscribe({ ...sub, service: 'billing', durable: 'billing-user-registered', source: 'AUTH', subject: SUBJECTS.userRegistered,
        handler: openAccountOnUserRegistered(deps.billing, 'billing-user-registered') });
      bus.subscribe({ ...sub, service: 'billing', durable: 'billing-order-created', source: 'ORDERS', subject: SUBJECTS.orderCreated,
        handler: payOnOrderCreated(deps.billing, ctx.apis('billing'), 'billing-order-created') });
      bus.subscribe({ ...sub, service: 'order', durable: 'order-payment-changed', source: 'BILLING', subject: SUBJECTS.paymentChanged,
        handler: settleOnPaymentChanged(deps.order, ctx.apis('order'), 'order-payment-changed') });
      bus.subscribe({ ...sub, service: 'notification', durable: 'notification-order-changed', source: 'ORDERS', subject: SUBJECTS.orderChanged,
        handler: notifyOnOrderChanged(deps.notification, ctx.apis('notification'), 'notification-order-changed') });
      await bus.start();
    },
    stop: () => bus.stop(),
    health: (service) => bus.health(service),
  };
}
