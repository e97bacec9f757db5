import { sql, type Kysely, type Migration } from 'kysely';

export type OrderStatus = 'pending' | 'paid' | 'rejected';

export interface OrdersTable {
  id: string;
  user_id: string;
  /** minor units */
  amount: number;
  /** JSON array of order lines, or null */
  items: string | null;
  status: OrderStatus;
  /** grows by one with every change; thin events carry it */
  version: number;
  idempotency_key: string | null;
  /** sha256 of the request body the key was first used with */
  fingerprint: string;
  created_at: number;
  updated_at: number;
  /**
   * ms epoch when the settlement was seen through: outcome applied and the user told. Only the
   * RESTful style records it, since there the order service drives the settlement and must find
   * the ones a crash left half-way; in the event styles the broker redelivers instead.
   */
  settled_at: number | null;
}

export interface OrderDB {
  orders: OrdersTable;
}

export const orderMigrations: Record<string, Migration> = {
  '001_orders': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('orders')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
        .addColumn('items', 'text')
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status IN ('pending', 'paid', 'rejected')`))
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('idempotency_key', 'text')
        .addColumn('fingerprint', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('orders_user_key', ['user_id', 'idempotency_key'])
        .execute();
      await db.schema.createIndex('orders_user').on('orders').columns(['user_id', 'created_at']).execute();
    },
  },
  '002_orders_user_page': {
    // Pages are read by (user_id, created_at, id) descending; with id in the index the keyset
    // condition and the tie-break are answered from it instead of sorting a user's rows.
    async up(db: Kysely<any>) {
      await db.schema.createIndex('orders_user_page').on('orders').columns(['user_id', 'created_at', 'id']).execute();
      await db.schema.dropIndex('orders_user').execute();
    },
  },
  '003_orders_settled': {
    // The recovery sweep reads the unsettled orders oldest first; the partial index holds only
    // those, so it stays small however many orders have settled.
    async up(db: Kysely<any>) {
      await db.schema.alterTable('orders').addColumn('settled_at', 'bigint').execute();
      await db.schema.createIndex('orders_unsettled').on('orders').columns(['created_at']).where(sql.ref('settled_at'), 'is', null).execute();
    },
  },
};
