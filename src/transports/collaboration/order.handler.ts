import { applyPaymentOutcome, type OrderDeps } from '../../services/order/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import { ACK, applyOnce, dead } from '../events/once.ts';
import type { Needs } from './events.ts';

/** payment.completed {payment} → settle the order with the outcome the event carries. */
export const settleOnPaymentCompleted =
  (deps: OrderDeps, durable: string): EventHandler<Needs['paymentOutcome']> =>
  (event) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      const { orderId, status } = event.data.payment;
      const settled = await applyPaymentOutcome({ ...deps, db: trx }, orderId, status);
      return settled.ok ? ACK : dead(settled.error.code);
    });
