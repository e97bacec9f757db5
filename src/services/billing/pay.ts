import type { Kysely } from 'kysely';
import { err, ok, prepared, withTx, type Result } from '../kernel/index.ts';
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

const selectPayment = prepared((db: Kysely<BillingDB>, p: { orderId: string }) =>
  db.selectFrom('payments').selectAll().where('order_id', '=', p.orderId),
);
const findPayment = async (db: Kysely<BillingDB>, orderId: string) => (await selectPayment(db, { orderId }))[0];

// The statements of every payment, compiled once (see platform/store/prepared.ts).
const claimPayment = prepared((db: Kysely<BillingDB>, p: PaymentsTable) =>
  db
    .insertInto('payments')
    .values({ order_id: p.order_id, user_id: p.user_id, amount: p.amount, created_at: p.created_at, status: p.status, balance_after: p.balance_after })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returning('order_id'),
);
const charge = prepared((db: Kysely<BillingDB>, p: { userId: string; amount: number; now: number }) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ balance: eb('balance', '-', p.amount), updated_at: p.now }))
    .where('user_id', '=', p.userId)
    .where('balance', '>=', p.amount)
    .returning('balance'),
);
const decide = prepared((db: Kysely<BillingDB>, p: Pick<PaymentsTable, 'order_id' | 'status' | 'balance_after'>) =>
  db.updateTable('payments').set({ status: p.status, balance_after: p.balance_after }).where('order_id', '=', p.order_id),
);

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
    const [claimed] = await claimPayment(trx, { ...base(input, now), status: 'rejected', balance_after: 0 });
    if (!claimed) {
      const earlier = await findPayment(trx, input.orderId);
      if (!earlier) throw new Error(`the payment of order ${input.orderId} conflicted, yet is not there`);
      return ok(toPayment(earlier));
    }
    // The conditional update is the whole decision: it cannot take the balance below zero.
    const [charged] = await charge(trx, { userId: input.userId, amount: input.amount, now });
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
    await decide(trx, row);
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
