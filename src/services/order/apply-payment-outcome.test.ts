import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, anOrderRequest, fixedClock, orderDeps, recordingSink, type FixedClock, type RecordingSink, type TestDatabase } from '../../../test/support/builders.ts';
import { applyPaymentOutcome, createOrder, getOrder, orderMigrations, type Order, type OrderDB, type OrderDeps, type OrderEvent } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('applyPaymentOutcome · %s', (kind) => {
  let store: TestDatabase<OrderDB>;
  let events: RecordingSink<OrderDB, OrderEvent>;
  let clock: FixedClock;
  let deps: OrderDeps;
  let pending: Order;
  const finished = () => events.recorded.filter((r) => r.event.type === 'order.finished');

  beforeEach(async () => {
    store = await aDatabase<OrderDB>(orderMigrations, kind);
    events = recordingSink();
    clock = fixedClock();
    deps = orderDeps(store.db, { events, clock });
    const placed = await createOrder(deps, anOrderRequest());
    if (!placed.ok) throw placed.error;
    pending = placed.value.order;
    clock.advance(1_000);
  });
  afterEach(() => store.dispose());

  it('applyPaymentOutcome - moves a pending order to paid, raises its version once and emits order.finished in the transaction', async () => {
    const result = await applyPaymentOutcome(deps, pending.id, 'paid');

    expect(result).toEqual({ ok: true, value: { ...pending, status: 'paid', version: 2 } });
    expect(finished()).toEqual([{ event: { type: 'order.finished', order: { ...pending, status: 'paid', version: 2 } }, inTransaction: true }]);
  });

  it('applyPaymentOutcome - a second outcome returns the order unchanged: same status, same version, no second event', async () => {
    await applyPaymentOutcome(deps, pending.id, 'rejected');

    const again = await applyPaymentOutcome(deps, pending.id, 'paid');

    expect(again).toMatchObject({ ok: true, value: { status: 'rejected', version: 2 } });
    expect(await getOrder(deps, pending.id)).toMatchObject({ ok: true, value: { status: 'rejected', version: 2 } });
    expect(finished()).toHaveLength(1);
  });

  it('applyPaymentOutcome - concurrent outcomes for one order apply once', async () => {
    const results = await Promise.all([
      applyPaymentOutcome(deps, pending.id, 'paid'),
      applyPaymentOutcome(deps, pending.id, 'paid'),
      applyPaymentOutcome(deps, pending.id, 'paid'),
    ]);

    expect(results.map((r) => r.ok && r.value.version)).toEqual([2, 2, 2]);
    expect(finished()).toHaveLength(1);
  });

  it('applyPaymentOutcome - an unknown order is ORDER.NOT_FOUND', async () => {
    const result = await applyPaymentOutcome(deps, 'no-such-order', 'paid');

    expect(!result.ok && result.error.code).toBe('ORDER.NOT_FOUND');
    expect(finished()).toEqual([]);
  });
});
