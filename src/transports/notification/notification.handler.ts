import type { Static } from '@sinclair/typebox';
import { notifyOrderOutcome, type NotificationDeps } from '../../services/notification/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import type { InternalApis } from '../http/clients.ts';
import { ACK, applyOnce, dead, retry } from '../events/once.ts';
import type { ThinData } from './events.ts';

/** order.changed → read the order, then the user's contact, over REST; then notify. */
export const notifyOnOrderChanged =
  (deps: NotificationDeps, apis: InternalApis, durable: string): EventHandler<Static<typeof ThinData>> =>
  async (event, ctx) => {
    const call = { traceparent: ctx.traceparent ?? '' };
    const order = await apis.order.getOrder(event.data.id, call);
    if (!order) return dead(`order ${event.data.id} does not exist at the order service`);
    if (order.version < event.data.version) return retry(`order ${order.id} is older than the event`, 100);
    if (order.status === 'pending') return ACK;
    const user = await apis.auth.getUser(order.userId, call);
    if (!user) return dead(`auth has no user ${order.userId}`);
    const contact = { userId: user.id, email: user.email, name: user.name };
    return applyOnce(deps.db, durable, event.id, async (trx) => {
      const notified = await notifyOrderOutcome(
        { ...deps, db: trx, contacts: { find: async () => contact } },
        { orderId: order.id, userId: order.userId, amount: order.amount, status: order.status },
      );
      return notified.ok ? ACK : dead(notified.error.code);
    });
  };
