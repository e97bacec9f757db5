import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aContact, aDatabase, anOutcome, contactsOf, fixedClock, notificationDeps, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { listNotifications, notificationMigrations, notifyOrderOutcome, type NotificationDB, type NotificationDeps } from './index.ts';

describe('listNotifications', () => {
  let store: TestDatabase<NotificationDB>;
  let clock: FixedClock;
  let deps: NotificationDeps;
  const notify = async (userId: string, orderId: string) => {
    const result = await notifyOrderOutcome(deps, anOutcome({ userId, orderId }));
    if (!result.ok) throw result.error;
    clock.advance(1_000);
  };

  beforeEach(async () => {
    store = await aDatabase<NotificationDB>(notificationMigrations);
    clock = fixedClock();
    deps = notificationDeps(store.db, { clock, contacts: contactsOf(aContact({ userId: 'user-1' }), aContact({ userId: 'user-2' })) });
  });
  afterEach(() => store.dispose());

  it("listNotifications - lists only the user's own messages, newest first", async () => {
    await notify('user-1', 'order-a');
    await notify('user-2', 'order-b');
    await notify('user-1', 'order-c');

    const mine = await listNotifications(deps, 'user-1');

    expect(mine.map((n) => n.orderId)).toEqual(['order-c', 'order-a']);
    expect(mine.every((n) => n.userId === 'user-1')).toBe(true);
  });

  it('listNotifications - the limit keeps the newest ones', async () => {
    await notify('user-1', 'order-a');
    await notify('user-1', 'order-b');
    await notify('user-1', 'order-c');

    expect((await listNotifications(deps, 'user-1', 1)).map((n) => n.orderId)).toEqual(['order-c']);
  });

  it('listNotifications - a user who was never notified gets an empty list', async () => {
    expect(await listNotifications(deps, 'user-9')).toEqual([]);
  });
});
