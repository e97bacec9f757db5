import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, anOrderRequest, fixedClock, orderDeps, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { createOrder, getOrder, listIdempotencyKeys, listOrders, orderMigrations, type Order, type OrderDB, type OrderDeps } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('order queries · %s', (kind) => {
  let store: TestDatabase<OrderDB>;
  let clock: FixedClock;
  let deps: OrderDeps;
  const place = async (userId: string, amount = 60_000): Promise<Order> => {
    const placed = await createOrder(deps, anOrderRequest({ userId, amount }));
    if (!placed.ok) throw placed.error;
    return placed.value.order;
  };

  beforeEach(async () => {
    store = await aDatabase<OrderDB>(orderMigrations, kind);
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

  /** every page of the user's orders, following `next` until it is null */
  const allPages = async (userId: string, limit: number, between: () => Promise<unknown> = async () => undefined): Promise<Order[][]> => {
    const pages: Order[][] = [];
    let cursor: string | undefined;
    do {
      const page = await listOrders(deps, userId, { limit, ...(cursor === undefined ? {} : { cursor }) });
      if (!page.ok) throw page.error;
      pages.push(page.value.items);
      cursor = page.value.next ?? undefined;
      await between();
    } while (cursor !== undefined);
    return pages;
  };

  it("listOrders - lists only the user's own orders, newest first", async () => {
    const first = await place('user-1', 100);
    clock.advance(1_000);
    await place('user-2', 200);
    clock.advance(1_000);
    const third = await place('user-1', 300);

    const mine = await listOrders(deps, 'user-1');

    expect(mine.ok && mine.value.items.map((o) => o.id)).toEqual([third.id, first.id]);
    expect(mine.ok && mine.value.next).toBeNull();
  });

  it('listOrders - orders placed in the same millisecond come newest id first, and the limit bounds the page', async () => {
    const placed = [await place('user-1'), await place('user-1'), await place('user-1')];

    const newestTwo = await listOrders(deps, 'user-1', { limit: 2 });

    expect(newestTwo.ok && newestTwo.value.items.map((o) => o.id)).toEqual([placed[2]?.id, placed[1]?.id]);
    expect(newestTwo.ok && newestTwo.value.next).toEqual(expect.any(String));
  });

  it('listOrders - 250 orders, many in the same millisecond, are read each exactly once across pages, newest first', async () => {
    const placed: Order[] = [];
    for (let i = 0; i < 250; i++) {
      placed.push(await place('user-1'));
      if (i % 7 === 0) clock.advance(1);
    }

    const pages = await allPages('user-1', 100);

    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(pages.flat().map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse());
  });

  it('listOrders - orders placed while the user pages neither repeat nor push older ones out of the later pages', async () => {
    const placed: Order[] = [];
    for (let i = 0; i < 45; i++) placed.push(await place('user-1'));

    const pages = await allPages('user-1', 10, () => place('user-1'));

    expect(pages.flat().map((o) => o.id)).toEqual(placed.map((o) => o.id).reverse());
  });

  it('listOrders - the default page holds 20 orders', async () => {
    for (let i = 0; i < 21; i++) await place('user-1');

    const page = await listOrders(deps, 'user-1');

    expect(page.ok && page.value.items).toHaveLength(20);
  });

  it.each([
    ['not base64 JSON', 'bm90LWpzb24'],
    ["another list's cursor", Buffer.from(JSON.stringify(['notifications', 1, 'id-1'])).toString('base64url')],
    ['a position without an id', Buffer.from(JSON.stringify(['orders', 1])).toString('base64url')],
  ])('listOrders - refuses %s as ORDER.INVALID_CURSOR', async (_label, cursor) => {
    const page = await listOrders(deps, 'user-1', { cursor });

    expect(!page.ok && page.error.code).toBe('ORDER.INVALID_CURSOR');
  });

  it('listOrders - a user without orders gets an empty last page', async () => {
    expect(await listOrders(deps, 'user-9')).toEqual({ ok: true, value: { items: [], next: null } });
  });

  it("listIdempotencyKeys - names the order behind each of the user's keys, and leaves out orders placed without one", async () => {
    const keyed = await createOrder(deps, anOrderRequest({ userId: 'user-1', idempotencyKey: 'k-1' }));
    await place('user-1');
    await createOrder(deps, anOrderRequest({ userId: 'user-2', idempotencyKey: 'k-1' }));
    await createOrder(deps, anOrderRequest({ userId: 'user-1', idempotencyKey: 'k-1' }));

    expect(await listIdempotencyKeys(deps, 'user-1')).toEqual([{ idempotencyKey: 'k-1', orderId: keyed.ok && keyed.value.order.id }]);
  });
});
