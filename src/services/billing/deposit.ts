import { CURRENCY, err, ok, withTx, type Result } from '../kernel/index.ts';
import { accountNotFound, balanceLimit, idempotencyMismatch, type BillingError } from './errors.ts';
import type { Account, BillingDeps } from './account.ts';

export interface DepositRequest {
  readonly userId: string;
  /** minor units, validated by the caller as a positive safe integer */
  readonly amount: number;
  /** the same key and amount return the first result and credit once */
  readonly idempotencyKey?: string;
}

/**
 * Credits the account. With an Idempotency-Key the unique (user_id, idempotency_key) decides: the
 * deposit row is claimed before the credit, so of two requests at once one credits and the other
 * finds its row, a replay when the amounts match and a mismatch if not.
 */
export async function deposit(deps: BillingDeps, input: DepositRequest): Promise<Result<Account, BillingError>> {
  const { userId, amount, idempotencyKey } = input;
  return withTx(deps.db, async ({ trx }) => {
    // Checked first because a deposit row needs its account (foreign key); accounts are never removed.
    const account = await trx.selectFrom('accounts').select('user_id').where('user_id', '=', userId).executeTakeFirst();
    if (!account) return err(accountNotFound(userId));
    const id = deps.ids.next();
    const now = deps.clock.now();
    const claimed = await trx
      .insertInto('deposits')
      // balance_after is filled in below, once the credit has answered it
      .values({ id, user_id: userId, amount, idempotency_key: idempotencyKey ?? null, balance_after: 0, created_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!claimed) {
      const key = idempotencyKey ?? '';
      const earlier = await trx
        .selectFrom('deposits')
        .select(['amount', 'balance_after'])
        .where('user_id', '=', userId)
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
      return earlier.amount === amount
        ? ok({ userId, balance: earlier.balance_after, currency: CURRENCY })
        : err(idempotencyMismatch(key));
    }
    // Conditional, like pay: the limit is checked by the statement that credits.
    const credited = await trx
      .updateTable('accounts')
      .set((eb) => ({ balance: eb('balance', '+', amount), updated_at: now }))
      .where('user_id', '=', userId)
      .where('balance', '<=', Number.MAX_SAFE_INTEGER - amount)
      .returning(['balance', 'currency'])
      .executeTakeFirst();
    if (!credited) {
      // Nothing was credited, so the key stays free for a smaller deposit.
      await trx.deleteFrom('deposits').where('id', '=', id).execute();
      return err(balanceLimit());
    }
    await trx.updateTable('deposits').set({ balance_after: credited.balance }).where('id', '=', id).execute();
    return ok({ userId, balance: credited.balance, currency: credited.currency });
  });
}
