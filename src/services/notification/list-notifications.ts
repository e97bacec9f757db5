import { toNotification, type Notification, type NotificationDeps } from './notification.ts';

/** newest first; `limit` bounds the answer */
export async function listNotifications(
  deps: Pick<NotificationDeps, 'db'>,
  userId: string,
  limit = 100,
): Promise<Notification[]> {
  const rows = await deps.db
    .selectFrom('notifications')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toNotification);
}
