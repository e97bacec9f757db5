import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { aDatabase, billingDeps, type TestDatabase } from '../../../test/support/builders.ts';
import { billingMigrations, getAccount, openAccount, type BillingDB } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('billing accounts · %s', (kind) => {
  let store: TestDatabase<BillingDB>;
  beforeEach(async () => {
    store = await aDatabase<BillingDB>(billingMigrations, kind);
  });
  afterEach(() => store.dispose());

  it('openAccount - opens an account with balance 0 in RUB', async () => {
    const account = await openAccount(billingDeps(store.db), 'user-1');

    expect(account).toEqual({ userId: 'user-1', balance: 0, currency: 'RUB' });
    expect(await getAccount({ db: store.db }, 'user-1')).toEqual({ ok: true, value: account });
  });

  it('openAccount - opening an existing account returns it unchanged, balance included', async () => {
    const deps = billingDeps(store.db);
    await openAccount(deps, 'user-1');
    await sql`UPDATE accounts SET balance = 500 WHERE user_id = 'user-1'`.execute(store.db);

    const again = await openAccount(deps, 'user-1');

    expect(again).toEqual({ userId: 'user-1', balance: 500, currency: 'RUB' });
    expect(await store.db.selectFrom('accounts').selectAll().execute()).toHaveLength(1);
  });

  it('getAccount - reports a user without an account as BILLING.ACCOUNT_NOT_FOUND', async () => {
    const result = await getAccount({ db: store.db }, 'nobody');

    expect(!result.ok && result.error.code).toBe('BILLING.ACCOUNT_NOT_FOUND');
  });

  it('accounts table - a CHECK constraint refuses a negative balance, whatever the code does', async () => {
    await openAccount(billingDeps(store.db), 'user-1');

    await expect(sql`UPDATE accounts SET balance = -1 WHERE user_id = 'user-1'`.execute(store.db)).rejects.toThrow(
      // SQLite's words, and PostgreSQL's
      /CHECK constraint failed|violates check constraint/,
    );
    expect(await getAccount({ db: store.db }, 'user-1')).toMatchObject({ ok: true, value: { balance: 0 } });
  });
});
