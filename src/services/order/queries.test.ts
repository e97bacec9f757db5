import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, anOrderRequest, fixedClock, orderDeps, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { createOrder, getOrder, listOrders, orderMigrations, type Order, type OrderDB, type OrderDeps } from './index.ts';

describe('order queries', () => {
  let store: TestDatabase<OrderDB>;
  let clock: FixedClock;
  let deps: OrderDeps;
  const place = async (userId: string, amount = 60_000): Promise<Order> => {
    const placed = await createOrder(deps, anOrderRequest({ userId, amount }));
    if (!placed.ok) throw placed.error;
    return placed.value.order;
  };

  beforeEach(async () => {
    store = await aDatabase<OrderDB>(orderMigrations);
    clock = fixedClock();
    deps = orderDeps(store.db, { clock });
  });
  afterEach(() => store.dispose());

  it("getOrder - returns the owner's order", async () => {
    const order = await place('user-1');

    expect(await getOrder(deps, order.id, 'user-1')).toEqual({ ok: true, value: order });
  });

  it("getOrder - reports another user's order as ORDER.NOT_FOUND, exactly like a missing one", async () => {
    const order = await place('user-1');

    const theirs = await getOrder(deps, order.id, 'user-2');
    const missing = await getOrder(deps, 'no-such-order', 'user-2');

    expect(!theirs.ok && theirs.error.code).toBe('ORDER.NOT_FOUND');
    expect(!missing.ok && missing.error.code).toBe('ORDER.NOT_FOUND');
  });

  it('getOrder - without an owner (internal reads) returns any order', async () => {
    const order = await place('user-1');

    expect(await getOrder(deps, order.id)).toEqual({ ok: true, value: order });
  });

  it("listOrders - lists only the user's own orders, newest first", async () => {
    const first = await place('user-1', 100);
    clock.advance(1_000);
    await place('user-2', 200);
    clock.advance(1_000);
    const third = await place('user-1', 300);

    const mine = await listOrders(deps, 'user-1');

    expect(mine.map((o) => o.id)).toEqual([third.id, first.id]);
  });

  it('listOrders - orders placed in the same millisecond come newest id first, and the limit bounds the answer', async () => {
    const placed = [await place('user-1'), await place('user-1'), await place('user-1')];

    const newestTwo = await listOrders(deps, 'user-1', 2);

    expect(newestTwo.map((o) => o.id)).toEqual([placed[2]?.id, placed[1]?.id]);
  });

  it('listOrders - a user without orders gets an empty list', async () => {
    expect(await listOrders(deps, 'user-9')).toEqual([]);
  });
});
