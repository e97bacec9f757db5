import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, anOrderRequest, orderDeps, recordingSink, type RecordingSink, type TestDatabase } from '../../../test/support/builders.ts';
import { createOrder, orderMigrations, type OrderDB, type OrderDeps, type OrderEvent } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('createOrder · %s', (kind) => {
  let store: TestDatabase<OrderDB>;
  let events: RecordingSink<OrderDB, OrderEvent>;
  let deps: OrderDeps;
  const storedOrders = () => store.db.selectFrom('orders').selectAll().execute();

  beforeEach(async () => {
    store = await aDatabase<OrderDB>(orderMigrations, kind);
    events = recordingSink();
    deps = orderDeps(store.db, { events });
  });
  afterEach(() => store.dispose());

  it('createOrder - creates a pending order at version 1 and emits order.created in its transaction', async () => {
    const items = [{ sku: 'book-42', quantity: 2 }];

    const result = await createOrder(deps, anOrderRequest({ userId: 'user-1', amount: 60_000, items }));

    expect(result).toEqual({
      ok: true,
      value: {
        replayed: false,
        order: { id: 'order-000001', userId: 'user-1', amount: 60_000, items, status: 'pending', version: 1, createdAt: '2025-01-15T12:00:00.000Z' },
      },
    });
    expect(events.recorded).toEqual([{ event: { type: 'order.created', order: result.ok && result.value.order }, inTransaction: true }]);
  });

  it('createOrder - the same Idempotency-Key and body return the first order, marked replayed, and create nothing', async () => {
    const request = anOrderRequest({ idempotencyKey: 'key-1', items: [{ sku: 'a', quantity: 1 }] });
    const first = await createOrder(deps, request);

    const replay = await createOrder(deps, { ...request });

    expect(replay).toEqual({ ok: true, value: { order: first.ok && first.value.order, replayed: true } });
    expect(await storedOrders()).toHaveLength(1);
    expect(events.recorded).toHaveLength(1);
  });

  it('createOrder - the same Idempotency-Key with another amount or other items is refused with ORDER.IDEMPOTENCY_MISMATCH', async () => {
    await createOrder(deps, anOrderRequest({ idempotencyKey: 'key-1', amount: 60_000 }));

    const otherAmount = await createOrder(deps, anOrderRequest({ idempotencyKey: 'key-1', amount: 60_001 }));
    const otherItems = await createOrder(deps, anOrderRequest({ idempotencyKey: 'key-1', amount: 60_000, items: [{ sku: 'b', quantity: 1 }] }));

    expect(!otherAmount.ok && otherAmount.error.code).toBe('ORDER.IDEMPOTENCY_MISMATCH');
    expect(!otherItems.ok && otherItems.error.code).toBe('ORDER.IDEMPOTENCY_MISMATCH');
    expect(await storedOrders()).toHaveLength(1);
  });

  it('createOrder - the same body with the fields of its order lines in another order is a replay, not a mismatch', async () => {
    const first = await createOrder(deps, anOrderRequest({ idempotencyKey: 'key-1', items: [{ sku: 'a', quantity: 2 }] }));
    // JSON objects are unordered: a client may serialize the same line as {"quantity":2,"sku":"a"} on retry.
    const sameLine = JSON.parse('[{"quantity":2,"sku":"a"}]') as { sku: string; quantity: number }[];

    const replay = await createOrder(deps, anOrderRequest({ idempotencyKey: 'key-1', items: sameLine }));

    expect(replay).toEqual({ ok: true, value: { order: first.ok && first.value.order, replayed: true } });
  });

  it('createOrder - an Idempotency-Key belongs to one user: another user with the same key gets a new order', async () => {
    const mine = await createOrder(deps, anOrderRequest({ userId: 'user-1', idempotencyKey: 'shared' }));

    const theirs = await createOrder(deps, anOrderRequest({ userId: 'user-2', idempotencyKey: 'shared' }));

    expect(theirs).toMatchObject({ ok: true, value: { replayed: false, order: { userId: 'user-2' } } });
    expect(theirs.ok && theirs.value.order.id).not.toBe(mine.ok && mine.value.order.id);
  });

  it('createOrder - without a key, the same body twice places two orders', async () => {
    await createOrder(deps, anOrderRequest());
    await createOrder(deps, anOrderRequest());

    expect(await storedOrders()).toHaveLength(2);
  });
});
