import { withTx, type Result } from '../kernel/index.ts';
import { applyPaymentOutcome, type PaymentOutcome } from './apply-payment-outcome.ts';
import type { OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps } from './order.ts';

/** the most orders one sweep pass takes: a pass stays short, and the next pass takes the rest */
const DEFAULT_LIMIT = 100;

/**
 * Orders placed before `before` (ms epoch) whose settlement was not seen through: still pending, or
 * finished without the user told. Oldest first. The RESTful recovery sweep resumes these; an order
 * younger than that may still be settling in the request that placed it.
 */
export async function pendingSince(deps: Pick<OrderDeps, 'db'>, before: number, limit = DEFAULT_LIMIT): Promise<Order[]> {
  const rows = await deps.db
    .selectFrom('orders')
    .selectAll()
    .where('settled_at', 'is', null)
    .where('created_at', '<', before)
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map(toOrder);
}

/**
 * Records that the order's settlement is done (outcome applied, user told), so the sweep leaves
 * it. Only a finished order is marked, and only once; marking again changes nothing.
 */
export async function markSettled(deps: Pick<OrderDeps, 'db' | 'clock'>, orderId: string): Promise<void> {
  await deps.db
    .updateTable('orders')
    .set({ settled_at: deps.clock.now() })
    .where('id', '=', orderId)
    .where('status', '!=', 'pending')
    .where('settled_at', 'is', null)
    .execute();
}

/**
 * The RESTful settlement's last step, once the user was told of billing's decision: the outcome
 * applied and the settlement marked done, one fact in one commit. A crash before it leaves the order
 * unsettled (pending, or finished by an earlier attempt), so the sweep resumes it; telling the user
 * again is a no-op (one notification per order).
 */
export async function completeSettlement(deps: OrderDeps, orderId: string, outcome: PaymentOutcome): Promise<Result<Order, OrderError>> {
  return withTx(deps.db, async ({ trx }) => {
    const applied = await applyPaymentOutcome({ ...deps, db: trx }, orderId, outcome);
    if (applied.ok) await markSettled({ ...deps, db: trx }, orderId);
    return applied;
  });
}
