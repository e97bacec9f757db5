import { openAccount, pay, type BillingDeps } from '../../services/billing/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import { ACK, applyOnce, notYet } from '../events/once.ts';
import type { Needs } from './events.ts';

/** user.registered {user} → open the account. */
export const openAccountOnUserRegistered =
  (deps: BillingDeps, durable: string): EventHandler<Needs['account']> =>
  (event) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      await openAccount({ ...deps, db: trx }, event.data.user.id);
      return ACK;
    });

/** order.created {order} → pay from the event's own fields; no call to the order service. */
export const payOnOrderCreated =
  (deps: BillingDeps, durable: string): EventHandler<Needs['orderToPay']> =>
  (event, ctx) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      const { id, userId, amount } = event.data.order;
      const paid = await pay({ ...deps, db: trx }, { orderId: id, userId, amount });
      // The account is opened by another event; it may simply not have been handled yet.
      return paid.ok ? ACK : notYet(paid.error.code, ctx.deliveryCount);
    });
