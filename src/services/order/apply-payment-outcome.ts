import type { Kysely } from 'kysely';
import { err, ok, prepared, withTx, type Result } from '../kernel/index.ts';
import type { OrderDB } from './schema.ts';
import { orderNotFound, type OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps } from './order.ts';

export type PaymentOutcome = 'paid' | 'rejected';

const settle = prepared((db: Kysely<OrderDB>, p: { id: string; outcome: PaymentOutcome; now: number }) =>
  db
    .updateTable('orders')
    .set((eb) => ({ status: p.outcome, version: eb('version', '+', 1), updated_at: p.now }))
    .where('id', '=', p.id)
    .where('status', '=', 'pending')
    .returningAll(),
);

/** Moves a pending order to its final status once; later calls return the order unchanged. */
export async function applyPaymentOutcome(
  deps: OrderDeps,
  orderId: string,
  outcome: PaymentOutcome,
): Promise<Result<Order, OrderError>> {
  return withTx(deps.db, async (tx) => {
    const [updated] = await settle(tx.trx, { id: orderId, outcome, now: deps.clock.now() });
    if (updated) {
      const order = toOrder(updated);
      await deps.events(tx, { type: 'order.finished', order });
      return ok(order);
    }
    const row = await tx.trx.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
    return row ? ok(toOrder(row)) : err(orderNotFound(orderId));
  });
}
