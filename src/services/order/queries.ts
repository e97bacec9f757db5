import type { Kysely } from 'kysely';
import { err, ok, prepared, readPage, type Page, type PageRequest, type Result } from '../kernel/index.ts';
import type { OrderDB } from './schema.ts';
import { invalidCursor, orderNotFound, type OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps } from './order.ts';

const selectOrder = prepared((db: Kysely<OrderDB>, p: { id: string }) => db.selectFrom('orders').selectAll().where('id', '=', p.id));

/** Another user's order is reported as missing, so ids cannot be probed. */
export async function getOrder(
  deps: Pick<OrderDeps, 'db'>,
  id: string,
  ownerId?: string,
): Promise<Result<Order, OrderError>> {
  const [row] = await selectOrder(deps.db, { id });
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

export interface KeyedOrder {
  readonly idempotencyKey: string;
  readonly orderId: string;
}

/**
 * Which order each of the user's Idempotency-Keys stands for, oldest first. Unpaged: an operator's
 * check reads it after a run, and a user holds a run's worth of keys at most.
 */
export async function listIdempotencyKeys(deps: Pick<OrderDeps, 'db'>, userId: string): Promise<KeyedOrder[]> {
  const rows = await deps.db
    .selectFrom('orders')
    .select(['id', 'idempotency_key'])
    .where('user_id', '=', userId)
    .where('idempotency_key', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.flatMap((r) => (r.idempotency_key === null ? [] : [{ idempotencyKey: r.idempotency_key, orderId: r.id }]));
}
