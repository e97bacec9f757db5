import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { createEventTables, newEnvelope, type DeliveryContext, type EventTables } from '../../platform/events/index.ts';
import { getAccount, openAccount, billingMigrations, type BillingDB } from '../../services/billing/index.ts';
import { aDatabase, billingDeps, type TestDatabase } from '../../../test/support/builders.ts';
import { payOnOrderCreated } from './billing.handler.ts';
import { STORES } from '../../../test/support/stores.ts';

const delivery = (deliveryCount: number): DeliveryContext => ({
  deliveryCount,
  headers: {},
  subject: 'ns.orders.order.created',
  streamSequence: 1,
  traceparent: undefined,
});

describe.each(STORES)('billing consumes order.created (collaboration) · %s', (kind) => {
  let t: TestDatabase<BillingDB>;
  beforeEach(async () => {
    t = await aDatabase<BillingDB>(billingMigrations, kind);
    await createEventTables(t.db);
  });
  afterEach(() => t.dispose());

  const orderCreated = newEnvelope('order.created', { order: { id: 'o-1', userId: 'u-1', amount: 700 } });

  it('payOnOrderCreated - waits longer each time for an account that is not opened yet, then pays once it is', async () => {
    const deps = billingDeps(t.db);
    const handle = payOnOrderCreated(deps, 'billing-order-created');

    const outcomes = [];
    for (const n of [1, 2, 3, 4, 5]) outcomes.push(await handle(orderCreated, delivery(n)));
    expect(outcomes.map((o) => (o.type === 'retry' ? o.delayMs : o.type))).toEqual([250, 500, 1000, 2000, 4000]);

    await openAccount(deps, 'u-1');
    expect(await handle(orderCreated, delivery(6))).toEqual({ type: 'ack' });
    const account = await getAccount(deps, 'u-1');
    // Balance 0: the order could not be afforded, so it was decided as rejected, once.
    expect(account.ok && account.value.balance).toBe(0);
    expect(await t.db.selectFrom('payments').select(['order_id', 'status']).execute()).toEqual([{ order_id: 'o-1', status: 'rejected' }]);
  });

  it('payOnOrderCreated - a redelivery after the effect committed charges nothing more', async () => {
    const deps = billingDeps(t.db);
    await openAccount(deps, 'u-1');
    await t.db.updateTable('accounts').set({ balance: 1000 }).execute();
    const handle = payOnOrderCreated(deps, 'billing-order-created');

    expect(await handle(orderCreated, delivery(1))).toEqual({ type: 'ack' });
    expect(await handle(orderCreated, delivery(2))).toEqual({ type: 'ack' });
    const account = await getAccount(deps, 'u-1');
    expect(account.ok && account.value.balance).toBe(300);
    const events = t.db as unknown as Kysely<EventTables>;
    expect(await events.selectFrom('inbox').selectAll().execute()).toHaveLength(1);
  });
});
