import { sql, type Kysely, type Migration } from 'kysely';

export interface NotificationsTable {
  id: string;
  order_id: string;
  user_id: string;
  type: 'order.paid' | 'order.rejected';
  message: string;
  created_at: number;
}

/** Local copy of users' contact data, kept from events in the collaboration style. */
export interface ContactsTable {
  user_id: string;
  email: string;
  name: string;
  updated_at: number;
}

export interface NotificationDB {
  notifications: NotificationsTable;
  contacts: ContactsTable;
}

export const notificationMigrations: Record<string, Migration> = {
  '001_notifications': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        // One notification per order, whatever is redelivered.
        .addColumn('order_id', 'text', (c) => c.notNull().unique())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull().check(sql`type IN ('order.paid', 'order.rejected')`))
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'created_at']).execute();
      await db.schema
        .createTable('contacts')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '002_notifications_user_page': {
    // Pages are read by (user_id, created_at, id) descending; see the orders' index of the same name.
    async up(db: Kysely<any>) {
      await db.schema.createIndex('notifications_user_page').on('notifications').columns(['user_id', 'created_at', 'id']).execute();
      await db.schema.dropIndex('notifications_user').execute();
    },
  },
};
