import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkerToken, checkInvariants, collectState, readList, renderAnomalies, settle, type CollectOptions } from '../src/analyse/index.ts';
import { seedHistory, type SeededHistory } from '../src/measure/soak/seed-history.ts';
import { FLOWS } from '../src/measure/soak/seed-rows.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { removeStreams } from '../src/transports/events/bus.ts';
import { cheapHasher, recordingDelivery, type RecordingDelivery } from './support/builders.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';
import { call } from './support/system.ts';

const SERVICE_SECRET = 'a-known-service-secret-for-the-seeding-test-0123456789ab';
const FUNDING = 1_000_000;
const ORDERS_EACH = 50;

interface Customer {
  readonly id: string;
  readonly token: string;
}

describe.each(['rest', 'notification', 'collaboration'] as const)('a %s system started on a seeded history', (style) => {
  let nats: TestNats | undefined;
  let dataDir: string;
  let system: RunningSystem;
  let delivery: RecordingDelivery;
  let seeded: SeededHistory;
  let collect: CollectOptions;
  const customers: Customer[] = [];
  /** each customer's order ids as the seeding wrote them, read from the order service's file */
  const seededOrders = new Map<string, string[]>();
  const acknowledgedDeposits: { userId: string; amount: number; idempotencyKey: string }[] = [];

  const start = async () => {
    delivery = recordingDelivery();
    system = await startSystem({ style, natsUrl: nats?.url, dataDir, serviceSecret: SERVICE_SECRET, delivery, hasher: cheapHasher, logLevel: 'fatal' });
  };

  beforeAll(async () => {
    nats = style === 'rest' ? undefined : await setupNats();
    dataDir = await mkdtemp(join(tmpdir(), 'interplay-seed-'));
    await start();
    for (const name of ['ann', 'ben']) {
      const email = `${name}-${Math.random().toString(36).slice(2)}@example.com`;
      const registered = await call(system.url, 'POST', '/auth/register', { json: { email, password: 'long-enough-pw', name } });
      const login = await call(system.url, 'POST', '/auth/login', { json: { email, password: 'long-enough-pw' } });
      const customer = { id: registered.body.id as string, token: login.body.accessToken as string };
      const key = `fund-${name}`;
      // In the event styles the account is opened a moment after registration.
      await eventually(
        async () => (await call(system.url, 'POST', '/billing/account/deposits', { token: customer.token, json: { amount: FUNDING }, headers: { 'idempotency-key': key } })).status === 201,
        { what: 'the funding deposit' },
      );
      acknowledgedDeposits.push({ userId: customer.id, amount: FUNDING, idempotencyKey: key });
      customers.push(customer);
    }
    await system.stop();

    seeded = seedHistory({ dataDir, style, orders: customers.length * ORDERS_EACH, batchSize: 30 });
    const orders = new Database(join(dataDir, 'order', 'order.sqlite'), { readonly: true });
    for (const { id } of customers) seededOrders.set(id, (orders.prepare('SELECT id FROM orders WHERE user_id = ?').all(id) as { id: string }[]).map((o) => o.id));
    orders.close();

    await start();
    collect = { baseUrl: system.url, services: system.services, serviceToken: await checkerToken(SERVICE_SECRET), users: customers };
  });
  afterAll(async () => {
    await system?.stop();
    if (nats && system?.namespace) await removeStreams(nats.url, system.namespace).catch(() => undefined);
    await nats?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('holds paid, notified orders whose money adds up, as the checker reads them through the API', async () => {
    const state = await settle(() => collectState(collect), { timeoutMs: 20_000 });

    const anomalies = checkInvariants(state, { acknowledgedDeposits });
    expect(anomalies, renderAnomalies(anomalies)).toEqual([]);
    expect(seeded).toMatchObject({ orders: 2 * ORDERS_EACH, users: 2 });
    for (const user of state.users) {
      expect(user.orders).toHaveLength(ORDERS_EACH);
      expect(new Set(user.orders.map((o) => o.status))).toEqual(new Set(['paid']));
      expect(user.notifications.filter((n) => n.type === 'order.paid')).toHaveLength(ORDERS_EACH);
      // The history's own deposit paid for it: the funding the user made is still all there.
      expect(user.balance).toBe(FUNDING);
    }
  });

  it('lists the seeded orders page by page, newest first', async () => {
    for (const customer of customers) {
      const listed = await readList(system.url, '/orders', customer.token, Type.Object({ id: Type.String(), createdAt: Type.String() }), 7);

      expect(listed.map((o) => o.id).sort()).toEqual([...(seededOrders.get(customer.id) ?? [])].sort());
      const times = listed.map((o) => o.createdAt);
      expect(times).toEqual([...times].sort().reverse());
    }
  });

  it('pays and notifies an order placed afterwards, leaving rows shaped as the seeded ones', async () => {
    const [ann] = customers;
    if (!ann) throw new Error('no customer');
    const placed = await call(system.url, 'POST', '/orders', { token: ann.token, json: { amount: 4_321 } });
    expect(placed.status).toBe(201);
    const orderId = placed.body.id as string;
    await eventually(async () => delivery.delivered.some((d) => d.notification.orderId === orderId), { what: 'the notification of the new order' });

    const state = await settle(() => collectState(collect), { timeoutMs: 20_000 });
    const anomalies = checkInvariants(state, { acknowledgedDeposits, acknowledgedOrders: [{ userId: ann.id, orderId }] });
    expect(anomalies, renderAnomalies(anomalies)).toEqual([]);
    const after = state.users.find((u) => u.userId === ann.id);
    expect(after?.orders.find((o) => o.id === orderId)?.status).toBe('paid');
    expect(after?.balance).toBe(FUNDING - 4_321);

    const seededOne = seededOrders.get(ann.id)?.[0] ?? '';
    expect(traceOf(dataDir, seededOne)).toEqual(traceOf(dataDir, orderId));
    if (style === 'rest') return;
    // Every consumer on an order's path keeps one inbox row per event it handled: the history's and the new order's.
    const inbox = inboxCounts(dataDir);
    for (const consumer of Object.values(FLOWS[style].consumers)) expect(inbox[consumer], consumer).toBe(2 * ORDERS_EACH + 1);
    // The outbox keeps sent rows for a minute only: of the history, older than that, none is left.
    expect(outboxRows(dataDir).filter((row) => !row.payload.includes(orderId))).toEqual([]);
  });
});

/**
 * What one order left in its services' own tables, with ids, times and amounts reduced to their types
 * and the fields that tell a row's meaning (status, version, type) kept.
 */
function traceOf(dataDir: string, orderId: string): Record<string, unknown[]> {
  const own = { order: ['orders', 'id'], billing: ['payments', 'order_id'], notification: ['notifications', 'order_id'] } as const;
  return Object.fromEntries(
    Object.entries(own).map(([service, [table, key]]) => [
      service,
      readEach(dataDir, [service], (db) => db.prepare(`SELECT * FROM ${table} WHERE ${key} = ?`).all(orderId).map((r) => shapeOf(r))),
    ]),
  );
}

/** inbox rows per consumer, over every service */
function inboxCounts(dataDir: string): Record<string, number> {
  const rows = readEach(dataDir, ['order', 'billing', 'notification'], (db) => db.prepare('SELECT consumer, count(*) AS n FROM inbox GROUP BY consumer').all() as { consumer: string; n: number }[]);
  return Object.fromEntries(rows.map((r) => [r.consumer, r.n]));
}

function outboxRows(dataDir: string): { payload: string }[] {
  return readEach(dataDir, ['order', 'billing'], (db) => db.prepare('SELECT payload FROM outbox').all() as { payload: string }[]);
}

function readEach<T>(dataDir: string, services: readonly string[], read: (db: Database.Database) => T[]): T[] {
  return services.flatMap((service) => {
    const db = new Database(join(dataDir, service, `${service}.sqlite`), { readonly: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  });
}

/** the fields whose value is the row's meaning; every other value is reduced to its type */
const KEPT = new Set(['status', 'version', 'type', 'consumer', 'subject', 'items', 'idempotency_key', 'currency']);

function shapeOf(value: unknown, key = ''): unknown {
  if (value === null) return null;
  if (key === 'payload' || key === 'headers') return shapeOf(JSON.parse(value as string));
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v, k)]));
  return KEPT.has(key) ? value : typeof value;
}
