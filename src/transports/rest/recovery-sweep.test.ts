import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, anOrderRequest, fixedClock, orderDeps, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { createOrder, orderMigrations, type OrderDB, type OrderDeps } from '../../services/order/index.ts';
import type { InternalApis } from '../http/clients.ts';
import { startRecoverySweep, type RecoverySweep } from './recovery-sweep.ts';

/** Peers as a crash before the charge leaves them: billing decided no payment, so the sweep declines it. */
const peersThatNeverCharged = (): InternalApis => ({
  auth: { getUser: async () => undefined },
  billing: {
    openAccount: async () => undefined,
    pay: async () => {
      throw new Error('the sweep never charges');
    },
    getPayment: async () => undefined,
    decline: async ({ orderId, userId, amount }) => ({ orderId, userId, amount, status: 'rejected', balanceAfter: 0, createdAt: new Date(0).toISOString() }),
  },
  order: { getOrder: async () => undefined },
  notification: { notify: async () => undefined },
  close: async () => undefined,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the recovery sweep at rest', () => {
  let store: TestDatabase<OrderDB>;
  let clock: FixedClock;
  let deps: OrderDeps;
  let sweep: RecoverySweep | undefined;
  const statusOf = async (id: string) => (await store.db.selectFrom('orders').select('status').where('id', '=', id).executeTakeFirst())?.status;
  /** an order placed and left pending, as a crash leaves it, older than the grace */
  const aStrandedOrder = async () => {
    const placed = await createOrder(deps, anOrderRequest());
    if (!placed.ok) throw placed.error;
    clock.advance(1_000);
    return placed.value.order.id;
  };

  beforeEach(async () => {
    store = await aDatabase<OrderDB>(orderMigrations);
    clock = fixedClock();
    deps = orderDeps(store.db, { clock });
  });
  afterEach(async () => {
    await sweep?.stop();
    await store.dispose();
  });

  const start = () =>
    (sweep = startRecoverySweep({ deps, apis: peersThatNeverCharged(), log: pino({ level: 'silent' }), graceMs: 500, intervalMs: 20, restIntervalMs: 60_000 }));

  it('passes only at its rest interval once nothing is unsettled: an order it was not told of waits', async () => {
    start();
    await sleep(100); // the first pass found nothing: the sweep rests
    const id = await aStrandedOrder();

    await sleep(300);

    expect(await statusOf(id)).toBe('pending');
  });

  it('settles an order this process placed within grace and a few intervals, however long its rest interval', async () => {
    start();
    await sleep(100);
    const id = await aStrandedOrder();

    sweep!.wake();

    const deadline = Date.now() + 5_000;
    while ((await statusOf(id)) === 'pending' && Date.now() < deadline) await sleep(20);
    expect(await statusOf(id)).toBe('rejected');
  });
});
