import type { Kysely } from 'kysely';
import { err, ok, withTx, type Result } from '../kernel/index.ts';
import { accountNotFound, paymentNotFound, type BillingError } from './errors.ts';
import type { BillingDeps, Payment } from './account.ts';
import type { BillingDB, PaymentsTable } from './schema.ts';

export interface PaymentRequest {
  readonly orderId: string;
  readonly userId: string;
  /** minor units */
  readonly amount: number;
}

export const toPayment = (row: PaymentsTable): Payment => ({
  orderId: row.order_id,
  userId: row.user_id,
  amount: row.amount,
  status: row.status,
  balanceAfter: row.balance_after,
  createdAt: new Date(row.created_at).toISOString(),
});

const findPayment = (db: Kysely<BillingDB>, orderId: string) =>
  db.selectFrom('payments').selectAll().where('order_id', '=', orderId).executeTakeFirst();

/**
 * Withdraws the order's amount, or refuses when the balance is too low and moves no money.
 * Idempotent per order: the payment row (primary key order_id) is claimed before the charge, so of
 * two calls at once one charges and the other returns that decision and charges nothing.
 */
export async function pay(deps: BillingDeps, input: PaymentRequest): Promise<Result<Payment, BillingError>> {
  return withTx(deps.db, async (tx) => {
    const { trx } = tx;
    const now = deps.clock.now();
    // Claimed as rejected with no balance; the decision below overwrites both in this transaction.
    const claimed = await trx
      .insertInto('payments')
      .values({ ...base(input, now), status: 'rejected', balance_after: 0 })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returning('order_id')
      .executeTakeFirst();
    if (!claimed) {
      const earlier = await findPayment(trx, input.orderId);
      if (!earlier) throw new Error(`the payment of order ${input.orderId} conflicted, yet is not there`);
      return ok(toPayment(earlier));
    }
    // The conditional update is the whole decision: it cannot take the balance below zero.
    const charged = await trx
      .updateTable('accounts')
      .set((eb) => ({ balance: eb('balance', '-', input.amount), updated_at: now }))
      .where('user_id', '=', input.userId)
      .where('balance', '>=', input.amount)
      .returning('balance')
      .executeTakeFirst();
    let row: PaymentsTable;
    if (charged) {
      row = { ...base(input, now), status: 'paid', balance_after: charged.balance };
    } else {
      const account = await trx.selectFrom('accounts').select('balance').where('user_id', '=', input.userId).executeTakeFirst();
      if (!account) {
        // No decision without an account: free the order for a payment once the account exists.
        await trx.deleteFrom('payments').where('order_id', '=', input.orderId).execute();
        return err(accountNotFound(input.userId));
      }
      row = { ...base(input, now), status: 'rejected', balance_after: account.balance };
    }
    await trx
      .updateTable('payments')
      .set({ status: row.status, balance_after: row.balance_after })
      .where('order_id', '=', input.orderId)
      .execute();
    const payment = toPayment(row);
    await deps.events(tx, { type: 'payment.completed', payment });
    return ok(payment);
  });
}

/**
 * Decides the order's payment as refused without moving money, unless a decision exists already
 * (then that one is returned). The payment row is unique per order, so of a decline and a pay racing,
 * whichever writes it first decides, and the other answers that decision: an order given up on is
 * never charged later. Used for an order whose placing failed part-way and was not retried.
 */
export async function declinePayment(deps: BillingDeps, input: PaymentRequest): Promise<Result<Payment, BillingError>> {
  return withTx(deps.db, async (tx) => {
    const { trx } = tx;
    const now = deps.clock.now();
    const account = await trx.selectFrom('accounts').select('balance').where('user_id', '=', input.userId).executeTakeFirst();
    const declined = await trx
      .insertInto('payments')
      .values({ ...base(input, now), status: 'rejected', balance_after: account?.balance ?? 0 })
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!declined) {
      const earlier = await findPayment(trx, input.orderId);
      if (!earlier) throw new Error(`the payment of order ${input.orderId} conflicted, yet is not there`);
      return ok(toPayment(earlier));
    }
    const payment = toPayment(declined);
    await deps.events(tx, { type: 'payment.completed', payment });
    return ok(payment);
  });
}

const base = (input: PaymentRequest, now: number) => ({
  order_id: input.orderId,
  user_id: input.userId,
  amount: input.amount,
  created_at: now,
});

export async function getPayment(deps: Pick<BillingDeps, 'db'>, orderId: string): Promise<Result<Payment, BillingError>> {
  const row = await findPayment(deps.db, orderId);
  return row ? ok(toPayment(row)) : err(paymentNotFound(orderId));
}
