import { err, ok, type Result } from '../kernel/index.ts';
import { orderNotFound, type OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps } from './order.ts';

/** Another user's order is reported as missing, so ids cannot be probed. */
export async function getOrder(
  deps: Pick<OrderDeps, 'db'>,
  id: string,
  ownerId?: string,
): Promise<Result<Order, OrderError>> {
  const row = await deps.db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (ownerId !== undefined && row.user_id !== ownerId)) return err(orderNotFound(id));
  return ok(toOrder(row));
}

/** newest first; `limit` bounds the answer for users with many orders */
export async function listOrders(deps: Pick<OrderDeps, 'db'>, userId: string, limit = 100): Promise<Order[]> {
  const rows = await deps.db
    .selectFrom('orders')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toOrder);
}
