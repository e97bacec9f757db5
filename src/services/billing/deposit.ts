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

export async function deposit(deps: BillingDeps, input: DepositRequest): Promise<Result<Account, BillingError>> {
  const { userId, amount, idempotencyKey } = input;
  return withTx(deps.db, async (trx) => {
    if (idempotencyKey !== undefined) {
      const earlier = await trx
        .selectFrom('deposits')
        .select(['amount', 'balance_after'])
        .where('user_id', '=', userId)
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      if (earlier) {
        return earlier.amount === amount
          ? ok({ userId, balance: earlier.balance_after, currency: CURRENCY })
          : err(idempotencyMismatch(idempotencyKey));
      }
    }
    const current = await trx.selectFrom('accounts').select('balance').where('user_id', '=', userId).executeTakeFirst();
    if (!current) return err(accountNotFound(userId));
    if (current.balance + amount > Number.MAX_SAFE_INTEGER) return err(balanceLimit());
    const now = deps.clock.now();
    const updated = await trx
      .updateTable('accounts')
      .set((eb) => ({ balance: eb('balance', '+', amount), updated_at: now }))
      .where('user_id', '=', userId)
      .returning(['balance', 'currency'])
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('deposits')
      .values({
        id: deps.ids.next(),
        user_id: userId,
        amount,
        idempotency_key: idempotencyKey ?? null,
        balance_after: updated.balance,
        created_at: now,
      })
      .execute();
    return ok({ userId, balance: updated.balance, currency: updated.currency });
  });
}
