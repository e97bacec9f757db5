import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aContact, aDatabase, anOutcome, contactsOf, fixedClock, notificationDeps, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { listNotifications, notificationMigrations, notifyOrderOutcome, type NotificationDB, type NotificationDeps } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('listNotifications · %s', (kind) => {
  let store: TestDatabase<NotificationDB>;
  let clock: FixedClock;
  let deps: NotificationDeps;
  const notify = async (userId: string, orderId: string) => {
    const result = await notifyOrderOutcome(deps, anOutcome({ userId, orderId }));
    if (!result.ok) throw result.error;
    clock.advance(1_000);
  };

  beforeEach(async () => {
    store = await aDatabase<NotificationDB>(notificationMigrations, kind);
    clock = fixedClock();
    deps = notificationDeps(store.db, { clock, contacts: contactsOf(aContact({ userId: 'user-1' }), aContact({ userId: 'user-2' })) });
  });
  afterEach(() => store.dispose());

  it("listNotifications - lists only the user's own messages, newest first", async () => {
    await notify('user-1', 'order-a');
    await notify('user-2', 'order-b');
    await notify('user-1', 'order-c');

    const mine = await listNotifications(deps, 'user-1');

    expect(mine.ok && mine.value.items.map((n) => n.orderId)).toEqual(['order-c', 'order-a']);
    expect(mine.ok && mine.value.items.every((n) => n.userId === 'user-1')).toBe(true);
  });

  it('listNotifications - pages follow one another newest first, and the last one has no next', async () => {
    await notify('user-1', 'order-a');
    await notify('user-1', 'order-b');
    await notify('user-1', 'order-c');

    const first = await listNotifications(deps, 'user-1', { limit: 2 });
    if (!first.ok || first.value.next === null) throw new Error('expected a next page');
    const second = await listNotifications(deps, 'user-1', { limit: 2, cursor: first.value.next });

    expect(first.value.items.map((n) => n.orderId)).toEqual(['order-c', 'order-b']);
    expect(second.ok && second.value).toEqual({ items: [expect.objectContaining({ orderId: 'order-a' })], next: null });
  });

  it("listNotifications - refuses a cursor from the orders list as NOTIFICATION.INVALID_CURSOR", async () => {
    const cursor = Buffer.from(JSON.stringify(['orders', 1, 'id-1'])).toString('base64url');

    const page = await listNotifications(deps, 'user-1', { cursor });

    expect(!page.ok && page.error.code).toBe('NOTIFICATION.INVALID_CURSOR');
  });

  it('listNotifications - a user who was never notified gets an empty last page', async () => {
    expect(await listNotifications(deps, 'user-9')).toEqual({ ok: true, value: { items: [], next: null } });
  });
});
