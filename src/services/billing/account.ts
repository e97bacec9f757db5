import type { Kysely } from 'kysely';
import { CURRENCY, err, ok, withTx, type Clock, type EventSink, type Ids, type Result } from '../kernel/index.ts';
import { accountNotFound, type BillingError } from './errors.ts';
import type { BillingDB } from './schema.ts';

export interface Account {
  readonly userId: string;
  /** minor units */
  readonly balance: number;
  readonly currency: string;
}

export interface Payment {
  readonly orderId: string;
  readonly userId: string;
  readonly amount: number;
  readonly status: 'paid' | 'rejected';
  /** the account's balance right after this payment was decided */
  readonly balanceAfter: number;
  readonly createdAt: string;
}

export type BillingEvent = { readonly type: 'payment.completed'; readonly payment: Payment };

export interface BillingDeps {
  readonly db: Kysely<BillingDB>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly events: EventSink<BillingDB, BillingEvent>;
}

/** Idempotent: opening an account that exists returns it unchanged. */
export async function openAccount(deps: BillingDeps, userId: string): Promise<Account> {
  return withTx(deps.db, async ({ trx }) => {
    const now = deps.clock.now();
    // The primary key decides: of two openings at once, one inserts and the other finds its row.
    const opened = await trx
      .insertInto('accounts')
      .values({ user_id: userId, balance: 0, currency: CURRENCY, created_at: now, updated_at: now })
      .onConflict((oc) => oc.column('user_id').doNothing())
      .returning(['user_id', 'balance', 'currency'])
      .executeTakeFirst();
    if (opened) return { userId: opened.user_id, balance: opened.balance, currency: opened.currency };
    const account = await getAccount({ db: trx }, userId);
    if (!account.ok) throw new Error(`account ${userId} vanished inside its own transaction`);
    return account.value;
  });
}

export async function getAccount(
  deps: Pick<BillingDeps, 'db'>,
  userId: string,
): Promise<Result<Account, BillingError>> {
  const row = await deps.db
    .selectFrom('accounts')
    .select(['user_id', 'balance', 'currency'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? ok({ userId: row.user_id, balance: row.balance, currency: row.currency }) : err(accountNotFound(userId));
}
