import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { err, ok, prepared, withTx, type Result } from '../kernel/index.ts';
import { idempotencyMismatch, type OrderError } from './errors.ts';
import { toOrder, type Order, type OrderDeps, type OrderLine } from './order.ts';
import type { OrderDB, OrdersTable } from './schema.ts';

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

/** sha256 of the request body as the order keeps it, to tell a replay of a key from a mismatch. */
export const orderFingerprint = (input: Pick<OrderRequest, 'amount' | 'items'>): string =>
  createHash('sha256')
    // Lines are rebuilt field by field: the same order with its keys in another order is the same request.
    .update(JSON.stringify({ amount: input.amount, items: input.items?.map(({ sku, quantity }) => ({ sku, quantity })) ?? null }))
    .digest('base64url');

const insertOrder = prepared((db: Kysely<OrderDB>, p: OrdersTable) =>
  db
    .insertInto('orders')
    .values({
      id: p.id,
      user_id: p.user_id,
      amount: p.amount,
      items: p.items,
      status: p.status,
      version: p.version,
      idempotency_key: p.idempotency_key,
      fingerprint: p.fingerprint,
      created_at: p.created_at,
      updated_at: p.updated_at,
    })
    .onConflict((oc) => oc.columns(['user_id', 'idempotency_key']).doNothing())
    .returning('id'),
);

/**
 * Creates a pending order; paying it is the choreography's job, and differs per style.
 * With an Idempotency-Key the unique (user_id, idempotency_key) decides: of two requests at once,
 * one inserts and the other finds its order, a replay when the bodies match and a mismatch if not.
 */
export async function createOrder(deps: OrderDeps, input: OrderRequest): Promise<Result<PlacedOrder, OrderError>> {
  const print = orderFingerprint(input);
  return withTx(deps.db, async (tx) => {
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
      settled_at: null,
    };
    // Without a key there is nothing to conflict on: NULLs are distinct in a unique constraint.
    const [inserted] = await insertOrder(tx.trx, row);
    if (inserted) {
      const order = toOrder(row);
      await deps.events(tx, { type: 'order.created', order });
      return ok({ order, replayed: false });
    }
    const key = input.idempotencyKey ?? '';
    const earlier = await tx.trx
      .selectFrom('orders')
      .selectAll()
      .where('user_id', '=', input.userId)
      .where('idempotency_key', '=', key)
      .executeTakeFirstOrThrow();
    return earlier.fingerprint === print ? ok({ order: toOrder(earlier), replayed: true }) : err(idempotencyMismatch(key));
  });
}
