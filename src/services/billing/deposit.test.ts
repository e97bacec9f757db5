import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MAX_AMOUNT } from '../kernel/index.ts';
import { aDatabase, billingDeps, type TestDatabase } from '../../../test/support/builders.ts';
import { billingMigrations, deposit, getAccount, openAccount, type BillingDB, type BillingDeps } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('deposit · %s', (kind) => {
  let store: TestDatabase<BillingDB>;
  let deps: BillingDeps;
  const balance = async (userId = 'user-1') => {
    const account = await getAccount(deps, userId);
    return account.ok ? account.value.balance : undefined;
  };

  beforeEach(async () => {
    store = await aDatabase<BillingDB>(billingMigrations, kind);
    deps = billingDeps(store.db);
    await openAccount(deps, 'user-1');
  });
  afterEach(() => store.dispose());

  it('deposit - adds the amount to the balance and answers the new balance', async () => {
    await deposit(deps, { userId: 'user-1', amount: 100_000 });

    const second = await deposit(deps, { userId: 'user-1', amount: 2_500 });

    expect(second).toEqual({ ok: true, value: { userId: 'user-1', balance: 102_500, currency: 'RUB' } });
    expect(await balance()).toBe(102_500);
  });

  it('deposit - the same Idempotency-Key and amount return the first result and credit once', async () => {
    const first = await deposit(deps, { userId: 'user-1', amount: 100_000, idempotencyKey: 'key-1' });
    await deposit(deps, { userId: 'user-1', amount: 50 });

    const replay = await deposit(deps, { userId: 'user-1', amount: 100_000, idempotencyKey: 'key-1' });

    expect(replay).toEqual(first);
    expect(await balance()).toBe(100_050);
  });

  it('deposit - the same Idempotency-Key with another amount is refused with BILLING.IDEMPOTENCY_MISMATCH and credits nothing', async () => {
    await deposit(deps, { userId: 'user-1', amount: 100_000, idempotencyKey: 'key-1' });

    const other = await deposit(deps, { userId: 'user-1', amount: 100_001, idempotencyKey: 'key-1' });

    expect(!other.ok && other.error.code).toBe('BILLING.IDEMPOTENCY_MISMATCH');
    expect(await balance()).toBe(100_000);
  });

  it('deposit - an Idempotency-Key belongs to one user: another user with the same key is credited too', async () => {
    await openAccount(deps, 'user-2');
    await deposit(deps, { userId: 'user-1', amount: 700, idempotencyKey: 'shared' });

    const theirs = await deposit(deps, { userId: 'user-2', amount: 900, idempotencyKey: 'shared' });

    expect(theirs).toMatchObject({ ok: true, value: { balance: 900 } });
    expect(await balance('user-1')).toBe(700);
  });

  it('deposit - a user without an account gets BILLING.ACCOUNT_NOT_FOUND', async () => {
    const result = await deposit(deps, { userId: 'nobody', amount: 100 });

    expect(!result.ok && result.error.code).toBe('BILLING.ACCOUNT_NOT_FOUND');
  });

  it('deposit - refuses with BILLING.BALANCE_LIMIT a deposit that would pass the largest safe integer', async () => {
    const nearTheTop = Number.MAX_SAFE_INTEGER - 10;
    await sql`UPDATE accounts SET balance = ${nearTheTop} WHERE user_id = 'user-1'`.execute(store.db);

    const result = await deposit(deps, { userId: 'user-1', amount: MAX_AMOUNT });

    expect(!result.ok && result.error.code).toBe('BILLING.BALANCE_LIMIT');
    expect(await balance()).toBe(nearTheTop);
  });
});
