import { readPage, type Page, type PageRequest, type Result } from '../kernel/index.ts';
import { invalidCursor, type NotificationError } from './errors.ts';
import { toNotification, type Notification, type NotificationDeps } from './notification.ts';

/** The user's notifications, newest first, one keyset page at a time (see kernel/page.ts). */
export function listNotifications(
  deps: Pick<NotificationDeps, 'db'>,
  userId: string,
  request: PageRequest = {},
): Promise<Result<Page<Notification>, NotificationError>> {
  return readPage({
    list: 'notifications',
    request,
    invalidCursor,
    toItem: toNotification,
    read: (after, take) => {
      let query = deps.db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
      if (after) query = query.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(after.createdAt, after.id)));
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(take).execute();
    },
  });
}
