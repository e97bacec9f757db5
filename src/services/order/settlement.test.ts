import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, anOrderRequest, fixedClock, orderDeps, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { applyPaymentOutcome, completeSettlement, createOrder, markSettled, orderMigrations, pendingSince, type Order, type OrderDB, type OrderDeps } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('settlement bookkeeping · %s', (kind) => {
  let store: TestDatabase<OrderDB>;
  let clock: FixedClock;
  let deps: OrderDeps;
  const place = async (): Promise<Order> => {
    const placed = await createOrder(deps, anOrderRequest());
    if (!placed.ok) throw placed.error;
    return placed.value.order;
  };

  beforeEach(async () => {
    store = await aDatabase<OrderDB>(orderMigrations, kind);
    clock = fixedClock();
    deps = orderDeps(store.db, { clock });
  });
  afterEach(() => store.dispose());

  it('pendingSince - lists unsettled orders placed before the time, oldest first, and leaves younger ones to their request', async () => {
    const first = await place();
    clock.advance(1_000);
    const second = await place();
    clock.advance(1_000);
    await place();

    expect((await pendingSince(deps, clock.now())).map((o) => o.id)).toEqual([first.id, second.id]);
  });

  it('markSettled - takes a finished order off the list, but never a pending one', async () => {
    const pending = await place();
    const finished = await place();
    await applyPaymentOutcome(deps, finished.id, 'paid');
    clock.advance(1_000);

    await markSettled(deps, pending.id);
    await markSettled(deps, finished.id);

    expect((await pendingSince(deps, clock.now())).map((o) => o.id)).toEqual([pending.id]);
  });

  it('pendingSince - a finished order whose user was not yet told stays on the list', async () => {
    const order = await place();
    await applyPaymentOutcome(deps, order.id, 'rejected');
    clock.advance(1_000);

    expect(await pendingSince(deps, clock.now())).toMatchObject([{ id: order.id, status: 'rejected' }]);
  });

  it('completeSettlement - applies the outcome and takes the order off the list in one step; a repeat changes nothing', async () => {
    const order = await place();
    clock.advance(1_000);

    const settled = await completeSettlement(deps, order.id, 'paid');
    const again = await completeSettlement(deps, order.id, 'rejected');

    expect(settled).toMatchObject({ ok: true, value: { id: order.id, status: 'paid', version: 2 } });
    expect(again).toMatchObject({ ok: true, value: { id: order.id, status: 'paid', version: 2 } });
    expect(await pendingSince(deps, clock.now())).toEqual([]);
  });

  it('completeSettlement - settles an order an earlier attempt finished but left unsettled, keeping its outcome', async () => {
    const order = await place();
    await applyPaymentOutcome(deps, order.id, 'rejected');
    clock.advance(1_000);

    const settled = await completeSettlement(deps, order.id, 'rejected');

    expect(settled).toMatchObject({ ok: true, value: { status: 'rejected' } });
    expect(await pendingSince(deps, clock.now())).toEqual([]);
  });
});
