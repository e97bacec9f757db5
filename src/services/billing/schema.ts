import { sql, type Kysely, type Migration } from 'kysely';

export interface AccountsTable {
  user_id: string;
  /** minor units; CHECK (balance >= 0) */
  balance: number;
  currency: string;
  created_at: number;
  updated_at: number;
}

export interface DepositsTable {
  id: string;
  user_id: string;
  amount: number;
  idempotency_key: string | null;
  balance_after: number;
  created_at: number;
}

export interface PaymentsTable {
  order_id: string;
  user_id: string;
  amount: number;
  status: 'paid' | 'rejected';
  balance_after: number;
  created_at: number;
}

export interface BillingDB {
  accounts: AccountsTable;
  deposits: DepositsTable;
  payments: PaymentsTable;
}

export const billingMigrations: Record<string, Migration> = {
  '001_accounts': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('accounts')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        // The upper bound keeps every balance a safe integer in JavaScript.
        .addColumn('balance', 'bigint', (c) =>
          c.notNull().check(sql`balance >= 0 AND balance <= 9007199254740991`),
        )
        .addColumn('currency', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('deposits')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('accounts.user_id'))
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('idempotency_key', 'text')
        .addColumn('balance_after', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('deposits_user_key', ['user_id', 'idempotency_key'])
        .execute();
      await db.schema
        .createTable('payments')
        .addColumn('order_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('paid', 'rejected')`))
        .addColumn('balance_after', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
};
