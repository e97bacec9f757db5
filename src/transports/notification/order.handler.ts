import type { Static } from '@sinclair/typebox';
import { applyPaymentOutcome, type OrderDeps } from '../../services/order/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import type { InternalApis } from '../http/clients.ts';
import { ACK, applyOnce, dead } from '../events/once.ts';
import type { ThinData } from './events.ts';

/** payment.changed → read the payment from billing, then settle the order. */
export const settleOnPaymentChanged =
  (deps: OrderDeps, apis: InternalApis, durable: string): EventHandler<Static<typeof ThinData>> =>
  async (event, ctx) => {
    const payment = await apis.billing.getPayment(event.data.id, { traceparent: ctx.traceparent ?? '' });
    if (!payment) return dead(`billing has no payment for order ${event.data.id}`);
    return applyOnce(deps.db, durable, event.id, async (trx) => {
      const settled = await applyPaymentOutcome({ ...deps, db: trx }, payment.orderId, payment.status);
      return settled.ok ? ACK : dead(settled.error.code);
    });
  };
