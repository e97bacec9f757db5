import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startRestSystem, type TestSystem, type TestUser } from './support/system.ts';

describe('HTTP money: deposits, orders and their notifications', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  const balanceOf = async (user: TestUser) => (await ts.call('GET', '/billing/account', { token: user.token })).body.balance as number;
  const deposit = (user: TestUser, amount: number, key?: string) =>
    ts.call('POST', '/billing/account/deposits', { token: user.token, json: { amount }, headers: key ? { 'idempotency-key': key } : {} });
  const placeOrder = (user: TestUser, body: Record<string, unknown>, key: string = randomUUID()) =>
    ts.call('POST', '/orders', { token: user.token, json: body, headers: { 'idempotency-key': key } });

  describe('deposits', () => {
    it('POST /billing/account/deposits - answers 201 with the new balance, and the balance grows by the amount', async () => {
      const user = await ts.aUser();
      await deposit(user, 100_000);

      const res = await deposit(user, 2_500);

      expect(res.status).toBe(201);
      expect(res.body).toEqual({ userId: user.id, balance: 102_500, currency: 'RUB' });
      expect(await balanceOf(user)).toBe(102_500);
    });

    it('a replayed Idempotency-Key returns the same response and credits once', async () => {
      const user = await ts.aUser();
      const first = await deposit(user, 100_000, 'deposit-1');

      const replay = await deposit(user, 100_000, 'deposit-1');

      expect(replay.status).toBe(first.status);
      expect(replay.body).toEqual(first.body);
      expect(await balanceOf(user)).toBe(100_000);
    });

    it('an Idempotency-Key reused with another amount answers 422 and credits nothing', async () => {
      const user = await ts.aUser();
      await deposit(user, 100_000, 'deposit-1');

      const res = await deposit(user, 200_000, 'deposit-1');

      expectProblem(res, 422, 'idempotency-key-mismatch');
      expect(await balanceOf(user)).toBe(100_000);
    });
  });

  describe('orders', () => {
    it('an order that fits is paid: 201 paid, the balance drops by exactly the amount, one paid notification', async () => {
      const user = await ts.aFundedUser(100_000);

      const res = await placeOrder(user, { amount: 60_000, items: [{ sku: 'book-42', quantity: 1 }] });

      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ userId: user.id, amount: 60_000, status: 'paid', items: [{ sku: 'book-42', quantity: 1 }] });
      expect(await balanceOf(user)).toBe(40_000);
      const delivered = ts.deliveredFor(res.body.id);
      expect(delivered).toHaveLength(1);
      expect(delivered[0]?.contact.email).toBe(user.email);
      const notes = await ts.call('GET', '/notifications', { token: user.token });
      expect(notes.body).toEqual([
        expect.objectContaining({ orderId: res.body.id, type: 'order.paid', message: expect.stringContaining('600.00 RUB') }),
      ]);
    });

    it('an order that does not fit is rejected: 201 rejected, the balance unchanged, one rejected notification', async () => {
      const user = await ts.aFundedUser(40_000);

      const res = await placeOrder(user, { amount: 50_000 });

      expect(res.status).toBe(201);
      expect(res.body.status).toBe('rejected');
      expect(await balanceOf(user)).toBe(40_000);
      expect(ts.deliveredFor(res.body.id)).toHaveLength(1);
      const notes = await ts.call('GET', '/notifications', { token: user.token });
      expect(notes.body).toEqual([expect.objectContaining({ orderId: res.body.id, type: 'order.rejected' })]);
    });

    it('a replayed Idempotency-Key returns the same order, charges once and notifies once', async () => {
      const user = await ts.aFundedUser(100_000);
      const first = await placeOrder(user, { amount: 30_000 }, 'order-key-1');

      const replay = await placeOrder(user, { amount: 30_000 }, 'order-key-1');

      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(first.body);
      expect(await balanceOf(user)).toBe(70_000);
      expect(ts.deliveredFor(first.body.id)).toHaveLength(1);
      expect((await ts.call('GET', '/orders', { token: user.token })).body).toHaveLength(1);
    });

    it('concurrent requests with one Idempotency-Key charge once: each answers the order or 409 request-in-flight', async () => {
      const user = await ts.aFundedUser(100_000);

      const replies = await Promise.all(Array.from({ length: 4 }, () => placeOrder(user, { amount: 30_000 }, 'same-moment')));

      const placed = replies.filter((r) => r.status === 201);
      expect(placed.length).toBeGreaterThanOrEqual(1);
      for (const r of replies.filter((r) => r.status !== 201)) expectProblem(r, 409, 'request-in-flight');
      expect(new Set(placed.map((r) => r.body.id)).size).toBe(1);
      expect(await balanceOf(user)).toBe(70_000);
      expect(ts.deliveredFor(placed[0]?.body.id)).toHaveLength(1);
    });

    it('an Idempotency-Key reused with another body answers 422 and charges nothing more', async () => {
      const user = await ts.aFundedUser(100_000);
      await placeOrder(user, { amount: 30_000 }, 'order-key-1');

      const res = await placeOrder(user, { amount: 31_000 }, 'order-key-1');

      expectProblem(res, 422, 'idempotency-key-mismatch');
      expect(await balanceOf(user)).toBe(70_000);
    });

    it('two users may use the same Idempotency-Key: each gets an order of their own', async () => {
      const [ada, grace] = [await ts.aFundedUser(10_000), await ts.aFundedUser(10_000)];

      const hers = await placeOrder(ada, { amount: 1_000 }, 'shared-key');
      const theirs = await placeOrder(grace, { amount: 1_000 }, 'shared-key');

      expect(theirs.body.id).not.toBe(hers.body.id);
      expect([await balanceOf(ada), await balanceOf(grace)]).toEqual([9_000, 9_000]);
    });

    it('concurrent orders never overdraw: of ten 300.00 RUB orders on 1000.00 RUB, three are paid', async () => {
      const user = await ts.aFundedUser(100_000);

      const replies = await Promise.all(Array.from({ length: 10 }, () => placeOrder(user, { amount: 30_000 })));

      expect(replies.map((r) => r.status)).toEqual(Array(10).fill(201));
      expect(replies.filter((r) => r.body.status === 'paid')).toHaveLength(3);
      expect(await balanceOf(user)).toBe(10_000);
      expect(ts.deliveries.filter((d) => d.notification.userId === user.id)).toHaveLength(10);
    });

    it('GET /orders/{id} - answers the owner with the order', async () => {
      const user = await ts.aFundedUser(10_000);
      const placed = await placeOrder(user, { amount: 1_000 });

      const res = await ts.call('GET', `/orders/${placed.body.id}`, { token: user.token });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(placed.body);
    });

    it("GET /orders/{id} - answers 404 for an unknown id and for another user's order alike", async () => {
      const [owner, other] = [await ts.aFundedUser(10_000), await ts.aUser()];
      const placed = await placeOrder(owner, { amount: 1_000 });

      const unknown = await ts.call('GET', `/orders/${randomUUID()}`, { token: other.token });
      const theirs = await ts.call('GET', `/orders/${placed.body.id}`, { token: other.token });

      expectProblem(unknown, 404, 'not-found');
      expectProblem(theirs, 404, 'not-found');
      expect(theirs.text).not.toContain(owner.id);
    });

    it("GET /orders - lists the user's own orders, newest first; another user sees none of them", async () => {
      const [user, other] = [await ts.aFundedUser(10_000), await ts.aUser()];
      const first = await placeOrder(user, { amount: 1_000 });
      const second = await placeOrder(user, { amount: 2_000 });

      const mine = await ts.call('GET', '/orders', { token: user.token });
      const theirs = await ts.call('GET', '/orders', { token: other.token });

      expect(mine.body.map((o: { id: string }) => o.id)).toEqual([second.body.id, first.body.id]);
      expect(theirs.body).toEqual([]);
    });

    it("GET /notifications - shows only the user's own messages", async () => {
      const [user, other] = [await ts.aFundedUser(10_000), await ts.aFundedUser(10_000)];
      const mine = await placeOrder(user, { amount: 1_000 });
      await placeOrder(other, { amount: 1_000 });

      const res = await ts.call('GET', '/notifications', { token: user.token });

      expect(res.body.map((n: { orderId: string }) => n.orderId)).toEqual([mine.body.id]);
    });
  });
});
