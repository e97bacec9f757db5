import { err, ok, readPage, type Page, type PageRequest, type Result } from '../kernel/index.ts';
import { invalidCursor, orderNotFound, type OrderError } from './errors.ts';
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

/** The user's orders, newest first, one keyset page at a time (see kernel/page.ts). */
export function listOrders(deps: Pick<OrderDeps, 'db'>, userId: string, request: PageRequest = {}): Promise<Result<Page<Order>, OrderError>> {
  return readPage({
    list: 'orders',
    request,
    invalidCursor,
    toItem: toOrder,
    read: (after, take) => {
      let query = deps.db.selectFrom('orders').selectAll().where('user_id', '=', userId);
      if (after) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(after.createdAt, after.id)));
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(take).execute();
    },
  });
}
