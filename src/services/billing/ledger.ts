import { err, ok, type Result } from '../kernel/index.ts';
import { accountNotFound, type BillingError } from './errors.ts';
import type { BillingDeps, Payment } from './account.ts';
import { toPayment } from './pay.ts';

export interface DepositEntry {
  readonly id: string;
  /** minor units */
  readonly amount: number;
  readonly idempotencyKey: string | null;
  readonly createdAt: string;
}

/** Every movement of one account: what an auditor needs to recompute its balance. */
export interface Ledger {
  readonly userId: string;
  readonly deposits: DepositEntry[];
  readonly payments: Payment[];
}

/**
 * The account's deposits and payments, oldest first. Unpaged: it is read by an operator's check
 * after a run, not by users, and one account holds a run's worth of rows at most.
 */
export async function getLedger(deps: Pick<BillingDeps, 'db'>, userId: string): Promise<Result<Ledger, BillingError>> {
  const account = await deps.db.selectFrom('accounts').select('user_id').where('user_id', '=', userId).executeTakeFirst();
  if (!account) return err(accountNotFound(userId));
  const deposits = await deps.db
    .selectFrom('deposits')
    .select(['id', 'amount', 'idempotency_key', 'created_at'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const payments = await deps.db
    .selectFrom('payments')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('order_id')
    .execute();
  return ok({
    userId,
    deposits: deposits.map((d) => ({
      id: d.id,
      amount: d.amount,
      idempotencyKey: d.idempotency_key,
      createdAt: new Date(d.created_at).toISOString(),
    })),
    payments: payments.map(toPayment),
  });
}
