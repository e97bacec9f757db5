import type { User } from '../../services/auth/index.ts';
import type { Payment } from '../../services/billing/index.ts';
import { completeSettlement, type Order, type OrderDeps } from '../../services/order/index.ts';
import type { InternalApis } from '../http/clients.ts';
import type { CallContext } from '../http/guards.ts';

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
    // A replayed key whose order was decided already (by the sweep, say) pays nothing more.
    if (placed.status !== 'pending') return finishSettlement(deps, order, placed, placed.status, ctx);
    const payment = await order.billing.pay({ orderId: placed.id, userId: placed.userId, amount: placed.amount }, ctx);
    return finishSettlement(deps, order, placed, payment.status, ctx);
  };

/**
 * Resumes an order whose settlement stopped half-way (a crash, a peer that was down): the payment
 * billing already decided, or, when it decided none, a refusal that moves no money. The client of
 * such an order was answered an error (or nothing) and may have ordered again; charging it now would
 * charge for an order its user believes failed. Billing's payment row is unique per order, so a late
 * pay from the original request answers this refusal instead of charging.
 */
export const resumeSettlement =
  (deps: OrderDeps, order: InternalApis) =>
  async (placed: Order, ctx: CallContext): Promise<Order> => {
    if (placed.status !== 'pending') return finishSettlement(deps, order, placed, placed.status, ctx);
    const payment =
      (await order.billing.getPayment(placed.id, ctx)) ??
      (await order.billing.decline({ orderId: placed.id, userId: placed.userId, amount: placed.amount }, ctx));
    return finishSettlement(deps, order, placed, payment.status, ctx);
  };

/**
 * Has the user told of billing's decision (once per order), then applies it and marks the settlement
 * done in one commit. Billing's payment is unique per order and is the only thing that moves an order
 * from pending, so its decision is the order's final status before it is applied. The user may hear
 * of it a moment before GET /orders shows it; a crash in between leaves the order unsettled for the sweep.
 */
async function finishSettlement(deps: OrderDeps, apis: InternalApis, placed: Order, outcome: Payment['status'], ctx: CallContext): Promise<Order> {
  await apis.notification.notify({ orderId: placed.id, userId: placed.userId, amount: placed.amount, status: outcome }, ctx);
  const settled = await completeSettlement(deps, placed.id, outcome);
  if (!settled.ok) throw settled.error;
  return settled.value;
}
