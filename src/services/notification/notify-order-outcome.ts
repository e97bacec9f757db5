import type { Kysely } from 'kysely';
import { err, formatMoney, ok, prepared, withTx, type Result } from '../kernel/index.ts';
import type { NotificationDB, NotificationsTable } from './schema.ts';
import { contactUnknown, orderNotFinal, type NotificationError } from './errors.ts';
import { toNotification, type Contact, type LookupContext, type Notification, type NotificationDeps } from './notification.ts';

export interface OrderOutcome {
  readonly orderId: string;
  readonly userId: string;
  /** minor units */
  readonly amount: number;
  readonly status: 'pending' | 'paid' | 'rejected';
}

/** The text the user is sent about an order's outcome. */
export const notificationMessage = (outcome: OrderOutcome, contact: Pick<Contact, 'name'>): string =>
  outcome.status === 'paid'
    ? `${contact.name}, your order ${outcome.orderId} for ${formatMoney(outcome.amount)} is paid.`
    : `${contact.name}, your order ${outcome.orderId} for ${formatMoney(outcome.amount)} could not be paid: not enough money on the account.`;

// Every order's two statements here, compiled once (see platform/store/prepared.ts).
const findNotification = prepared((db: Kysely<NotificationDB>, p: { orderId: string }) =>
  db.selectFrom('notifications').selectAll().where('order_id', '=', p.orderId),
);
const insertNotification = prepared((db: Kysely<NotificationDB>, p: NotificationsTable) =>
  db
    .insertInto('notifications')
    .values({ id: p.id, order_id: p.order_id, user_id: p.user_id, type: p.type, message: p.message, created_at: p.created_at })
    .onConflict((oc) => oc.column('order_id').doNothing())
    .returningAll(),
);

/**
 * Stores and delivers the one message an order's outcome deserves.
 * Idempotent per order: a repeated outcome returns the stored message and delivers nothing new.
 */
export async function notifyOrderOutcome(
  deps: NotificationDeps,
  outcome: OrderOutcome,
  ctx?: LookupContext,
): Promise<Result<Notification, NotificationError>> {
  if (outcome.status === 'pending') return err(orderNotFinal(outcome.orderId));
  const status = outcome.status;
  // A fast path only (no contact lookup for a repeat); the unique order_id below decides.
  const [existing] = await findNotification(deps.db, { orderId: outcome.orderId });
  if (existing) return ok(toNotification(existing));
  // Read through deps.db: inside a caller's transaction that is the transaction itself.
  const contact = await deps.contacts.find(outcome.userId, deps.db, ctx);
  if (!contact) return err(contactUnknown(outcome.userId));
  const row = {
    id: deps.ids.next(),
    order_id: outcome.orderId,
    user_id: outcome.userId,
    type: status === 'paid' ? ('order.paid' as const) : ('order.rejected' as const),
    message: notificationMessage(outcome, contact),
    created_at: deps.clock.now(),
  };
  return withTx(deps.db, async ({ trx, afterCommit }) => {
    const [inserted] = await insertNotification(trx, row);
    if (!inserted) {
      // A concurrent call for the same order won while the contact was being looked up.
      const winner = await trx.selectFrom('notifications').selectAll().where('order_id', '=', outcome.orderId).executeTakeFirstOrThrow();
      return ok(toNotification(winner));
    }
    const notification = toNotification(inserted);
    // Delivered once the row is committed: a rolled-back notification must never reach the user.
    afterCommit(() => deps.delivery.deliver(notification, contact));
    return ok(notification);
  });
}
