import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventTables, type EventTables } from '../src/platform/events/index.ts';
import { billingMigrations, getAccount, openAccount, type Account, type BillingDB, type Payment } from '../src/services/billing/index.ts';
import { orderMigrations, type OrderDB, type PlacedOrder } from '../src/services/order/index.ts';
import { aDatabase, billingDeps, type TestDatabase } from './support/builders.ts';
import type { Answer } from './support/use-case-replica.ts';
import { aReplica, atOnce, type Replica } from './support/workers.ts';
import { STORES } from './support/stores.ts';
import type { StoreConfig } from '../src/platform/store/index.ts';

/**
 * Two replicas (worker threads, each with its own connection to one SQLite file, or its own pool to
 * one PostgreSQL database) make the same request at the same instant. Several rounds, because one round may not overlap.
 */
const ROUNDS = 8;
const REPLICA = new URL('./support/use-case-replica.ts', import.meta.url);

async function twoReplicas(config: StoreConfig): Promise<[Replica, Replica]> {
  return Promise.all([aReplica(REPLICA, { config }), aReplica(REPLICA, { config })]);
}

const outboxRows = async <DB>(db: Kysely<DB>, subject: string): Promise<number> =>
  (await (db as unknown as Kysely<EventTables>).selectFrom('outbox').select('id').where('subject', '=', subject).execute()).length;

describe.each(STORES)('createOrder raced by two replicas · %s', (kind) => {
  let store: TestDatabase<OrderDB>;
  let replicas: [Replica, Replica];
  beforeAll(async () => {
    store = await aDatabase<OrderDB>(orderMigrations, kind);
    await createEventTables(store.db);
    replicas = await twoReplicas(store.config);
  });
  afterAll(async () => {
    for (const r of replicas ?? []) await r.close();
    await store?.dispose();
  });

  const ordersWithKey = async (key: string) =>
    store.db.selectFrom('orders').select('id').where('idempotency_key', '=', key).execute();

  it('the same Idempotency-Key and body at once make one order; the other answer replays it', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `same-${round}`;
      const input = { userId: 'user-1', amount: 60_000, items: [{ sku: 'tea', quantity: 2 }], idempotencyKey: key };

      const answers = await atOnce<Answer<PlacedOrder>>(replicas.map((replica) => ({ replica, op: 'createOrder', arg: input })));

      const placed = answers.map((a) => (a.ok ? a.value : expect.fail(`refused: ${a.code}`)));
      expect(placed.map((p) => p.replayed).sort()).toEqual([false, true]);
      expect(placed[0]?.order).toEqual(placed[1]?.order);
      expect(await ordersWithKey(key)).toEqual([{ id: placed[0]?.order.id }]);
    }
    expect(await outboxRows(store.db, 'test.order.created')).toBe(ROUNDS);
  });

  it('the same Idempotency-Key with another body at once makes one order; the other is refused as a mismatch', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const key = `other-${round}`;
      const bodies = [60_000, 70_000].map((amount) => ({ userId: 'user-1', amount, idempotencyKey: key }));

      const answers = await atOnce<Answer<PlacedOrder>>(replicas.map((replica, i) => ({ replica, op: 'createOrder', arg: bodies[i] })));

      const created = answers.filter((a) => a.ok);
      expect(created).toHaveLength(1);
      expect(answers.filter((a) => !a.ok)).toEqual([{ ok: false, code: 'ORDER.IDEMPOTENCY_MISMATCH' }]);
      expect(await ordersWithKey(key)).toHaveLength(1);
    }
  });
});

describe.each(STORES)('billing raced by two replicas · %s', (kind) => {
  let store: TestDatabase<BillingDB>;
  let replicas: [Replica, Replica];
  const balance = async (userId: string) => {
    const account = await getAccount({ db: store.db }, userId);
    return account.ok ? account.value.balance : undefined;
  };
  beforeAll(async () => {
    store = await aDatabase<BillingDB>(billingMigrations, kind);
    await createEventTables(store.db);
    replicas = await twoReplicas(store.config);
  });
  afterAll(async () => {
    for (const r of replicas ?? []) await r.close();
    await store?.dispose();
  });

  it('deposit - the same Idempotency-Key at once credits once, and both answers show that one balance', async () => {
    await openAccount(billingDeps(store.db), 'saver');
    for (let round = 0; round < ROUNDS; round++) {
      const input = { userId: 'saver', amount: 1_000, idempotencyKey: `deposit-${round}` };

      const answers = await atOnce<Answer<Account>>(replicas.map((replica) => ({ replica, op: 'deposit', arg: input })));

      const expected = { ok: true, value: { userId: 'saver', balance: (round + 1) * 1_000, currency: 'RUB' } };
      expect(answers).toEqual([expected, expected]);
    }
    expect(await balance('saver')).toBe(ROUNDS * 1_000);
    const deposits = await store.db.selectFrom('deposits').select('amount').where('user_id', '=', 'saver').execute();
    expect(deposits).toHaveLength(ROUNDS);
  });

  it('pay - one order paid from two replicas at once is charged once, and both answers are that payment', async () => {
    await openAccount(billingDeps(store.db), 'buyer');
    await sql`UPDATE accounts SET balance = 10000 WHERE user_id = 'buyer'`.execute(store.db);
    for (let round = 0; round < ROUNDS; round++) {
      const input = { orderId: `order-${round}`, userId: 'buyer', amount: 300 };

      const answers = await atOnce<Answer<Payment>>(replicas.map((replica) => ({ replica, op: 'pay', arg: input })));

      const payments = answers.map((a) => (a.ok ? a.value : expect.fail(`refused: ${a.code}`)));
      expect(payments[0]).toEqual(payments[1]);
      expect(payments[0]).toMatchObject({ status: 'paid', balanceAfter: 10_000 - (round + 1) * 300 });
    }
    expect(await balance('buyer')).toBe(10_000 - ROUNDS * 300);
    expect(await store.db.selectFrom('payments').select('order_id').where('user_id', '=', 'buyer').execute()).toHaveLength(ROUNDS);
    expect(await outboxRows(store.db, 'test.payment.completed')).toBe(ROUNDS);
  });
});
