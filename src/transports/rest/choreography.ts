import type { User } from '../../services/auth/index.ts';
import { applyPaymentOutcome, type Order, type OrderDeps } from '../../services/order/index.ts';
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
    const applied = await applyPaymentOutcome(deps, placed.id, payment.status);
    if (!applied.ok) throw applied.error;
    const final = applied.value;
    await order.notification.notify(
      { orderId: final.id, userId: final.userId, amount: final.amount, status: final.status },
      ctx,
    );
    return final;
  };
