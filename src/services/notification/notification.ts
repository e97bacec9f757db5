import type { Kysely } from 'kysely';
import type { Clock, Ids } from '../kernel/index.ts';
import type { NotificationDB, NotificationsTable } from './schema.ts';

export interface Contact {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
}

export interface Notification {
  readonly id: string;
  readonly orderId: string;
  readonly userId: string;
  readonly type: 'order.paid' | 'order.rejected';
  readonly message: string;
  readonly createdAt: string;
}

/** Where a user's contact data comes from: the auth service over HTTP, or the local copy. */
export interface ContactDirectory {
  /**
   * `db` is what the calling use case reads through: inside a transaction, the transaction. A local
   * copy reads through it, so it sees the transaction's own writes on any number of connections.
   */
  find(userId: string, db: Kysely<NotificationDB>, ctx?: LookupContext): Promise<Contact | undefined>;
}

/** passed through to lookups that leave the service, so the trace continues */
export interface LookupContext {
  readonly traceparent?: string;
}

/** How a stored notification reaches the user (a log line, a webhook, …). Must not throw. */
export interface DeliveryChannel {
  deliver(notification: Notification, contact: Contact): void;
}

export interface NotificationDeps {
  readonly db: Kysely<NotificationDB>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly contacts: ContactDirectory;
  readonly delivery: DeliveryChannel;
}

export const toNotification = (row: NotificationsTable): Notification => ({
  id: row.id,
  orderId: row.order_id,
  userId: row.user_id,
  type: row.type,
  message: row.message,
  createdAt: new Date(row.created_at).toISOString(),
});
