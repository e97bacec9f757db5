import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEventTables, ensureConsumer, ensureStream, newEnvelope, startConsumer, type RunningConsumer } from '../src/platform/events/index.ts';
import { groupCommits, noEvents, withTx, type EventSink } from '../src/services/kernel/index.ts';
import { createOrder, orderMigrations, type OrderDB, type OrderEvent } from '../src/services/order/index.ts';
import { checks } from '../src/transports/collaboration/events.ts';
import { settleOnPaymentCompleted } from '../src/transports/collaboration/order.handler.ts';
import { aDatabase, anOrderRequest, orderDeps, type TestDatabase } from './support/builders.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';
import { STORES } from './support/stores.ts';

/**
 * The order service's consumer of payment.completed (collaboration) on a real store and a private
 * nats-server. Every ack, nak and term a consumer sends is a message on `$JS.ACK.…`; a second connection
 * watches them, so the test sees what reached the broker and when, next to what the database had committed.
 */

/** A table the test's event sink writes to, whose reference is checked only at COMMIT. */
interface RefsDb {
  refs: { id: string; order_id: string };
}

interface Seen {
  /** +ACK, -NAK, +WPI, +TERM */
  readonly verb: string;
  /** the order's status as another connection read it when the broker relayed the message (SQLite only) */
  readonly committedStatus: string | undefined;
}

let nats: TestNats;
let watcher: NatsConnection;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  nats = await setupNats();
  watcher = await nats.connect();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => nats?.teardown());

async function setup(kind: (typeof STORES)[number], sink: (trx: Kysely<RefsDb>) => Promise<void>) {
  const store: TestDatabase<OrderDB> = await aDatabase<OrderDB>(orderMigrations, kind);
  cleanups.push(() => store.dispose());
  await createEventTables(store.db);
  await (store.db as unknown as Kysely<any>).schema
    .createTable('refs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('refs_order', ['order_id'], 'orders', ['id'], (fk) => fk.deferrable().initiallyDeferred())
    .execute();
  const placed = await createOrder(orderDeps(store.db, { events: noEvents }), anOrderRequest());
  if (!placed.ok) throw placed.error;
  const order = placed.value.order;

  // A synchronous reader, so that the status is read in the very callback that sees the ack arrive.
  const reader = kind === 'sqlite' ? new Database(store.config.kind === 'sqlite' ? store.config.file : '', { readonly: true }) : undefined;
  if (reader) cleanups.push(async () => reader.close());
  const statusNow = reader
    ? () => (reader.prepare('select status from orders where id = ?').get(order.id) as { status: string }).status
    : () => undefined;

  const stream = nats.unique('ACKS');
  const subject = `${stream.toLowerCase()}.billing.payment.completed`;
  await ensureStream(nats.jsm, { name: stream, subjects: [`${stream.toLowerCase()}.>`], duplicateWindowMs: 120_000 });
  const durable = nats.unique('order_payment_completed');
  // No backoff: a nak redelivers after the consumer's own short delay (250 ms the first time).
  await ensureConsumer(nats.jsm, stream, { durable, filterSubject: subject, maxAckPending: 10, ackWaitMs: 5_000, maxDeliver: 5 });

  const seen: Seen[] = [];
  const sub = watcher.subscribe(`$JS.ACK.>`, {
    callback: (_err, msg) => {
      if (!msg.subject.includes(`.${durable}.`)) return;
      seen.push({ verb: msg.string().split(' ')[0] ?? '', committedStatus: statusNow() });
    },
  });
  cleanups.push(async () => sub.unsubscribe());
  await watcher.flush();

  const events: EventSink<OrderDB, OrderEvent> = (tx) => sink(tx.trx as unknown as Kysely<RefsDb>);
  const consumer: RunningConsumer = await startConsumer({
    js: nats.js,
    stream,
    durable,
    check: checks.paymentOutcome,
    deadLetterSubject: `${stream.toLowerCase()}.dlq`,
    handler: settleOnPaymentCompleted(orderDeps(store.db, { events }), durable),
  });
  cleanups.push(() => consumer.stop());

  const publish = () =>
    nats.js.publish(subject, JSON.stringify(newEnvelope('payment.completed', { payment: { orderId: order.id, status: 'paid' } })));
  const acks = () => seen.filter((s) => s.verb !== '+WPI');
  const status = async () => (await store.db.selectFrom('orders').select('status').where('id', '=', order.id).executeTakeFirstOrThrow()).status;
  const inboxRows = async () => (await (store.db as unknown as Kysely<any>).selectFrom('inbox').selectAll().execute()).length;
  return { store, order, publish, acks, status, inboxRows, consumer: () => nats.jsm.consumers.info(stream, durable) };
}

describe.each(STORES)('no ack before its commit · %s', (kind) => {
  it('a message whose commit fails is not acked but redelivered, and acked only after its effect committed', async () => {
    let deliveries = 0;
    let s!: Awaited<ReturnType<typeof setup>>;
    s = await setup(kind, async (trx) => {
      deliveries += 1;
      // The first time, a reference to no order: every statement succeeds and the COMMIT fails.
      const orderId = deliveries === 1 ? 'no-such-order' : s.order.id;
      await trx.insertInto('refs').values({ id: `ref-${deliveries}`, order_id: orderId }).execute();
    });

    await s.publish();
    await eventually(() => s.acks().some((a) => a.verb === '+ACK'), { what: 'the ack after the redelivery' });

    expect(deliveries).toBe(2);
    expect(s.acks().map((a) => a.verb)).toEqual(['-NAK', '+ACK']);
    if (kind === 'sqlite') expect(s.acks().map((a) => a.committedStatus)).toEqual(['pending', 'paid']);
    expect(await s.status()).toBe('paid');
    expect(await s.inboxRows()).toBe(1);
    expect((await s.consumer()).num_ack_pending).toBe(0);
  });
});

describe.each(STORES)('no ack before its commit, while the commit waits · %s', (kind) => {
  it('a message handled but not yet committed (its group commit waiting) is not acked; the ack follows the commit', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let handled!: () => void;
    const effectDone = new Promise<void>((resolve) => (handled = resolve));
    let s!: Awaited<ReturnType<typeof setup>>;
    s = await setup(kind, async () => {
      // Another request joins the handler's transaction and keeps it from committing until released.
      void withTx(s.store.db, () => held);
      handled();
    });
    // On PostgreSQL the store groups where asked (the inproc system asks); SQLite always does.
    groupCommits(s.store.db);

    await s.publish();
    await effectDone;
    // A premature ack would leave within a turn of the event loop of the handler's return; 300 ms is
    // ample for it to reach the broker and the watcher, even on a loaded machine.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(s.acks()).toEqual([]);
    expect(await s.consumer()).toMatchObject({ num_ack_pending: 1 });

    release();
    await eventually(() => s.acks().length > 0, { what: 'the ack after the commit' });
    expect(s.acks().map((a) => a.verb)).toEqual(['+ACK']);
    if (kind === 'sqlite') expect(s.acks().map((a) => a.committedStatus)).toEqual(['paid']);
    expect(await s.status()).toBe('paid');
  });
});
