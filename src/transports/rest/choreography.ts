import type { User } from '../../services/auth/index.ts';
import type { Payment } from '../../services/billing/index.ts';
import { applyPaymentOutcome, markSettled, type Order, type OrderDeps } from '../../services/order/index.ts';
import type { InternalApis } from './clients.ts';
import type { CallContext } from './guards.ts';

/**
 * The RESTful style: each step calls the next synchronously, with no orchestrator.
 * Registration opens the billing account before it answers.
 */
export const openAccountOnRegistration =
  (auth: InternalApis) =>
  async (user: User, ctx: CallContext): Promise<void> => {
    await auth.billing.openAccount(user.id, ctx);
  };

/**
 * Placing an order pays it through billing, records the outcome and has the user notified,
 * all before the order service answers. Every step is idempotent per order, so a retry with
 * the same Idempotency-Key after a failure resumes where it stopped.
 */
export const payAndNotify =
  (deps: OrderDeps, order: InternalApis) =>
  async (placed: Order, ctx: CallContext): Promise<Order> => {
    const payment = await order.billing.pay({ orderId: placed.id, userId: placed.userId, amount: placed.amount }, ctx);
    return finishSettlement(deps, order, payment, ctx);
  };

/**
 * Resumes an order whose settlement stopped half-way (a crash, a peer that was down): the payment
 * billing already decided, or a new one when it has none (pay is idempotent per order, so a charge
 * that did happen is answered, never repeated), then the rest of the settlement.
 */
export const resumeSettlement =
  (deps: OrderDeps, order: InternalApis) =>
  async (placed: Order, ctx: CallContext): Promise<Order> => {
    const payment =
      (await order.billing.getPayment(placed.id, ctx)) ??
      (await order.billing.pay({ orderId: placed.id, userId: placed.userId, amount: placed.amount }, ctx));
    return finishSettlement(deps, order, payment, ctx);
  };

/** Applies billing's decision, has the user told (once per order), and marks the settlement done. */
async function finishSettlement(deps: OrderDeps, apis: InternalApis, payment: Payment, ctx: CallContext): Promise<Order> {
  const applied = await applyPaymentOutcome(deps, payment.orderId, payment.status);
  if (!applied.ok) throw applied.error;
  const final = applied.value;
  await apis.notification.notify({ orderId: final.id, userId: final.userId, amount: final.amount, status: final.status }, ctx);
  await markSettled(deps, final.id);
  return final;
}
