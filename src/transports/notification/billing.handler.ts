import { openAccount, pay, type BillingDeps } from '../../services/billing/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import type { InternalApis } from '../http/clients.ts';
import { ACK, applyOnce, dead, notYet } from '../events/once.ts';
import type { Static } from '@sinclair/typebox';
import type { ThinData } from './events.ts';

type Thin = Static<typeof ThinData>;

/** user.registered → open the account; the event's id is all billing needs. */
export const openAccountOnUserRegistered =
  (deps: BillingDeps, durable: string): EventHandler<Thin> =>
  (event) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      await openAccount({ ...deps, db: trx }, event.data.id);
      return ACK;
    });

/** order.created → read the order from the order service, then pay it. */
export const payOnOrderCreated =
  (deps: BillingDeps, apis: InternalApis, durable: string): EventHandler<Thin> =>
  async (event, ctx) => {
    const order = await apis.order.getOrder(event.data.id, { traceparent: ctx.traceparent ?? '' });
    if (!order) return dead(`order ${event.data.id} does not exist at the order service`);
    return applyOnce(deps.db, durable, event.id, async (trx) => {
      const paid = await pay({ ...deps, db: trx }, { orderId: order.id, userId: order.userId, amount: order.amount });
      if (paid.ok) return ACK;
      // The account is opened by another event; it may simply not have been handled yet.
      return notYet(paid.error.code, ctx.deliveryCount);
    });
  };
