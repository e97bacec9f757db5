import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRandom } from '../../model/random.ts';
import { aDatabase, aPaymentRequest, billingDeps, recordingSink, type RecordingSink, type TestDatabase } from '../../../test/support/builders.ts';
import { billingMigrations, declinePayment, deposit, getAccount, getPayment, openAccount, pay, type BillingDB, type BillingDeps, type BillingEvent } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('pay · %s', (kind) => {
  let store: TestDatabase<BillingDB>;
  let deps: BillingDeps;
  let events: RecordingSink<BillingDB, BillingEvent>;
  const balance = async () => {
    const account = await getAccount(deps, 'user-1');
    return account.ok ? account.value.balance : undefined;
  };
  const fund = (amount: number) => deposit(deps, { userId: 'user-1', amount });

  beforeEach(async () => {
    store = await aDatabase<BillingDB>(billingMigrations, kind);
    events = recordingSink();
    deps = billingDeps(store.db, { events });
    await openAccount(deps, 'user-1');
  });
  afterEach(() => store.dispose());

  it('declinePayment - refuses an order that was never charged, and a later pay of it charges nothing', async () => {
    await fund(100_000);

    const declined = await declinePayment(deps, aPaymentRequest({ orderId: 'order-1', amount: 60_000 }));
    const late = await pay(deps, aPaymentRequest({ orderId: 'order-1', amount: 60_000 }));

    expect(declined).toMatchObject({ ok: true, value: { orderId: 'order-1', status: 'rejected' } });
    expect(late).toMatchObject({ ok: true, value: { orderId: 'order-1', status: 'rejected' } });
    expect(await balance()).toBe(100_000);
  });

  it('declinePayment - answers the decision already taken: a charged order stays charged, once', async () => {
    await fund(100_000);
    await pay(deps, aPaymentRequest({ orderId: 'order-1', amount: 60_000 }));

    const declined = await declinePayment(deps, aPaymentRequest({ orderId: 'order-1', amount: 60_000 }));

    expect(declined).toMatchObject({ ok: true, value: { status: 'paid', balanceAfter: 40_000 } });
    expect(await balance()).toBe(40_000);
  });

  it('pay - withdraws exactly the amount and records a paid payment', async () => {
    await fund(100_000);

    const result = await pay(deps, aPaymentRequest({ orderId: 'order-1', amount: 60_000 }));

    expect(result).toMatchObject({ ok: true, value: { orderId: 'order-1', status: 'paid', amount: 60_000, balanceAfter: 40_000 } });
    expect(await balance()).toBe(40_000);
    expect(events.recorded).toEqual([{ event: { type: 'payment.completed', payment: result.ok && result.value }, inTransaction: true }]);
  });

  it('pay - may take the balance to exactly zero', async () => {
    await fund(60_000);

    const result = await pay(deps, aPaymentRequest({ amount: 60_000 }));

    expect(result).toMatchObject({ ok: true, value: { status: 'paid', balanceAfter: 0 } });
    expect(await balance()).toBe(0);
  });

  it('pay - refuses when the balance is too low and moves no money', async () => {
    await fund(40_000);

    const result = await pay(deps, aPaymentRequest({ orderId: 'order-2', amount: 50_000 }));

    expect(result).toMatchObject({ ok: true, value: { orderId: 'order-2', status: 'rejected', balanceAfter: 40_000 } });
    expect(await balance()).toBe(40_000);
    expect(await getPayment(deps, 'order-2')).toMatchObject({ ok: true, value: { status: 'rejected' } });
  });

  it('pay - is idempotent per order: a second call returns the first decision and charges nothing', async () => {
    await fund(100_000);
    const request = aPaymentRequest({ amount: 60_000 });
    const first = await pay(deps, request);

    const second = await pay(deps, request);

    expect(second).toEqual(first);
    expect(await balance()).toBe(40_000);
    expect(events.recorded).toHaveLength(1);
  });

  it('pay - a rejected order stays rejected when paid again after a deposit', async () => {
    const request = aPaymentRequest({ amount: 50_000 });
    await pay(deps, request);
    await fund(100_000);

    const again = await pay(deps, request);

    expect(again).toMatchObject({ ok: true, value: { status: 'rejected' } });
    expect(await balance()).toBe(100_000);
  });

  it('pay - for a user without an account answers BILLING.ACCOUNT_NOT_FOUND and records no payment', async () => {
    const result = await pay(deps, aPaymentRequest({ orderId: 'order-9', userId: 'nobody' }));

    expect(!result.ok && result.error.code).toBe('BILLING.ACCOUNT_NOT_FOUND');
    expect((await getPayment(deps, 'order-9')).ok).toBe(false);
    expect(events.recorded).toEqual([]);
  });

  it('pay - concurrent payments never take the balance below zero, and what was charged is what left the account', async () => {
    const initial = 100_000;
    await fund(initial);
    const random = createRandom(20250115);
    const requests = Array.from({ length: 60 }, (_, i) => aPaymentRequest({ orderId: `burst-${i}`, amount: 1_000 + random.int(9_000) }));

    const results = await Promise.all(requests.map((r) => pay(deps, r)));

    const payments = results.map((r) => (r.ok ? r.value : expect.fail(`payment failed: ${r.error.code}`)));
    const charged = payments.filter((p) => p.status === 'paid').reduce((sum, p) => sum + p.amount, 0);
    const final = (await balance()) ?? -1;
    expect(final).toBeGreaterThanOrEqual(0);
    expect(charged).toBe(initial - final);
    expect(payments.some((p) => p.status === 'rejected')).toBe(true);
    for (const p of payments) expect(p.balanceAfter).toBeGreaterThanOrEqual(0);
  });
});
