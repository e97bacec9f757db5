import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, aPaymentRequest, billingDeps, type TestDatabase } from '../../../test/support/builders.ts';
import { billingMigrations, deposit, getLedger, openAccount, pay, type BillingDB, type BillingDeps } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('billing ledger · %s', (kind) => {
  let store: TestDatabase<BillingDB>;
  let deps: BillingDeps;

  beforeEach(async () => {
    store = await aDatabase<BillingDB>(billingMigrations, kind);
    deps = billingDeps(store.db);
    await openAccount(deps, 'user-1');
    await openAccount(deps, 'user-2');
  });
  afterEach(() => store.dispose());

  it("getLedger - lists the account's own deposits and payments, from which its balance follows", async () => {
    await deposit(deps, { userId: 'user-1', amount: 10_000, idempotencyKey: 'dep-1' });
    await deposit(deps, { userId: 'user-1', amount: 500 });
    await deposit(deps, { userId: 'user-2', amount: 7_000 });
    await pay(deps, aPaymentRequest({ orderId: 'order-1', userId: 'user-1', amount: 4_000 }));
    await pay(deps, aPaymentRequest({ orderId: 'order-2', userId: 'user-1', amount: 9_000 }));

    const ledger = await getLedger(deps, 'user-1');

    expect(ledger).toMatchObject({
      ok: true,
      value: {
        userId: 'user-1',
        deposits: [
          { amount: 10_000, idempotencyKey: 'dep-1' },
          { amount: 500, idempotencyKey: null },
        ],
        payments: [
          { orderId: 'order-1', amount: 4_000, status: 'paid', balanceAfter: 6_500 },
          { orderId: 'order-2', amount: 9_000, status: 'rejected', balanceAfter: 6_500 },
        ],
      },
    });
    expect(ledger.ok && ledger.value.deposits).toHaveLength(2);
  });

  it('getLedger - a user without an account gets BILLING.ACCOUNT_NOT_FOUND', async () => {
    const ledger = await getLedger(deps, 'nobody');

    expect(!ledger.ok && ledger.error.code).toBe('BILLING.ACCOUNT_NOT_FOUND');
  });
});
