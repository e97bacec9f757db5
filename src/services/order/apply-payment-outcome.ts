import { err, ok, withTx, type Result } from '../kernel/index.ts';
import { orderNotFound, type OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps } from './order.ts';

export type PaymentOutcome = 'paid' | 'rejected';

/** Moves a pending order to its final status once; later calls return the order unchanged. */
export async function applyPaymentOutcome(
  deps: OrderDeps,
  orderId: string,
  outcome: PaymentOutcome,
): Promise<Result<Order, OrderError>> {
  return withTx(deps.db, async (tx) => {
    const updated = await tx.trx
      .updateTable('orders')
      .set((eb) => ({ status: outcome, version: eb('version', '+', 1), updated_at: deps.clock.now() }))
      .where('id', '=', orderId)
      .where('status', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (updated) {
      const order = toOrder(updated);
      await deps.events(tx, { type: 'order.finished', order });
      return ok(order);
    }
    const row = await tx.trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
    return row ? ok(toOrder(row)) : err(orderNotFound(orderId));
  });
}
