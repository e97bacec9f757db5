import { createHash } from 'node:crypto';
import { err, ok, withTx, type Result } from '../kernel/index.ts';
import { idempotencyMismatch, type OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps, type OrderLine } from './order.ts';
import type { OrdersTable } from './schema.ts';

export interface OrderRequest {
  readonly userId: string;
  /** minor units, validated by the caller */
  readonly amount: number;
  readonly items?: OrderLine[];
  /** the same key and body return the same order instead of a second one */
  readonly idempotencyKey?: string;
}

export interface PlacedOrder {
  readonly order: Order;
  /** true when the key had been used before and this is the earlier order */
  readonly replayed: boolean;
}

const fingerprint = (input: OrderRequest): string =>
  createHash('sha256')
        // Lines are rebuilt field by field: the same order with its keys in another order is the same request.
    .update(JSON.stringify({ amount: input.amount, items: input.items?.map(({ sku, quantity }) => ({ sku, quantity })) ?? null }))
    .digest('base64url');

/** Creates a pending order; paying it is the choreography's job, and differs per style. */
export async function createOrder(deps: OrderDeps, input: OrderRequest): Promise<Result<PlacedOrder, OrderError>> {
  const print = fingerprint(input);
  return withTx(deps.db, async (trx) => {
    if (input.idempotencyKey !== undefined) {
      const earlier = await trx
        .selectFrom('orders')
        .selectAll()
        .where('user_id', '=', input.userId)
        .where('idempotency_key', '=', input.idempotencyKey)
        .executeTakeFirst();
      if (earlier) {
        return earlier.fingerprint === print
          ? ok({ order: toOrder(earlier), replayed: true })
          : err(idempotencyMismatch(input.idempotencyKey));
      }
    }
    const now = deps.clock.now();
    const row: OrdersTable = {
      id: deps.ids.next(),
      user_id: input.userId,
      amount: input.amount,
      items: input.items ? JSON.stringify(input.items) : null,
      status: 'pending',
      version: 1,
      idempotency_key: input.idempotencyKey ?? null,
      fingerprint: print,
      created_at: now,
      updated_at: now,
    };
    await trx.insertInto('orders').values(row).execute();
    const order = toOrder(row);
    await deps.events(trx, { type: 'order.created', order });
    return ok({ order, replayed: false });
  });
}
