import type { Kysely } from 'kysely';
import { openStore, type StoreConfig } from '../../src/platform/store/index.ts';
import { appendToOutbox, newEnvelope } from '../../src/platform/events/index.ts';
import { deposit, pay, type BillingDB, type DepositRequest, type PaymentRequest } from '../../src/services/billing/index.ts';
import { systemClock, uuidV7, type EventSink, type Result } from '../../src/services/kernel/index.ts';
import { createOrder, type OrderDB, type OrderRequest } from '../../src/services/order/index.ts';
import { replicaData, serve } from './workers.ts';

/** One replica of a service's use cases, on its own connection (or pool) to the service's database. */

/** What crosses the thread boundary: a Result with the error reduced to its code. */
export type Answer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: string };
const answer = <T>(result: Result<T, { code: string }>): Answer<T> =>
  result.ok ? result : { ok: false, code: result.error.code };

/** Records each event in the outbox, as the event styles do, so a test can count them. */
const outbox = <DB>(): EventSink<DB, { type: string }> => async (tx, event) => {
  await appendToOutbox(tx.trx as unknown as Kysely<any>, { subject: `test.${event.type}`, envelope: newEnvelope(event.type, event) });
};

const { config } = replicaData<{ config: StoreConfig }>();
// The database holds one service's tables; the test calls only that service's use cases.
const { db } = await openStore<unknown>(config);
const common = { clock: systemClock, ids: uuidV7 };
const order = { ...common, db: db as Kysely<OrderDB>, events: outbox<OrderDB>() };
const billing = { ...common, db: db as Kysely<BillingDB>, events: outbox<BillingDB>() };

serve(
  {
    createOrder: async (input: OrderRequest) => answer(await createOrder(order, input)),
    deposit: async (input: DepositRequest) => answer(await deposit(billing, input)),
    pay: async (input: PaymentRequest) => answer(await pay(billing, input)),
  },
  () => db.destroy(),
);
