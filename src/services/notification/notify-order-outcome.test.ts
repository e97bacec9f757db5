import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  aContact,
  aDatabase,
  anOutcome,
  barrier,
  contactsOf,
  notificationDeps,
  recordingDelivery,
  type RecordingDelivery,
  type TestDatabase,
} from '../../../test/support/builders.ts';
import { notificationMigrations, notifyOrderOutcome, type Contact, type ContactDirectory, type NotificationDB } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('notifyOrderOutcome · %s', (kind) => {
  let store: TestDatabase<NotificationDB>;
  let delivery: RecordingDelivery;
  const ada = aContact({ userId: 'user-1', name: 'Ada', email: 'ada@example.com' });
  const deps = (contacts: ContactDirectory = contactsOf(ada)) => notificationDeps(store.db, { contacts, delivery });
  const storedMessages = () => store.db.selectFrom('notifications').selectAll().execute();

  beforeEach(async () => {
    store = await aDatabase<NotificationDB>(notificationMigrations, kind);
    delivery = recordingDelivery();
  });
  afterEach(() => store.dispose());

  it('notifyOrderOutcome - stores and delivers one order.paid message with the formatted amount', async () => {
    const outcome = anOutcome({ orderId: 'order-1', userId: 'user-1', amount: 60_000, status: 'paid' });

    const result = await notifyOrderOutcome(deps(), outcome);

    expect(result).toMatchObject({ ok: true, value: { orderId: 'order-1', userId: 'user-1', type: 'order.paid' } });
    const message = result.ok ? result.value.message : '';
    expect(message).toContain('600.00 RUB');
    expect(message).toContain('Ada');
    expect(delivery.delivered).toEqual([{ notification: result.ok && result.value, contact: ada }]);
  });

  it('notifyOrderOutcome - a rejected order gets one order.rejected message', async () => {
    const result = await notifyOrderOutcome(deps(), anOutcome({ userId: 'user-1', amount: 50_000, status: 'rejected' }));

    expect(result).toMatchObject({ ok: true, value: { type: 'order.rejected' } });
    expect(result.ok && result.value.message).toContain('500.00 RUB');
  });

  it('notifyOrderOutcome - called twice for one order, stores one message, delivers it once and returns it both times', async () => {
    const outcome = anOutcome({ userId: 'user-1' });
    const first = await notifyOrderOutcome(deps(), outcome);

    const second = await notifyOrderOutcome(deps(), outcome);

    expect(second).toEqual(first);
    expect(await storedMessages()).toHaveLength(1);
    expect(delivery.delivered).toHaveLength(1);
  });

  it('notifyOrderOutcome - concurrent calls for one order store one message and deliver it once', async () => {
    // Every call waits in the contact lookup until all have passed the "already notified?" check.
    const allArrived = barrier(4);
    const slowContacts: ContactDirectory = {
      async find(userId): Promise<Contact | undefined> {
        await allArrived();
        return userId === ada.userId ? ada : undefined;
      },
    };
    const outcome = anOutcome({ userId: 'user-1' });

    // One service's dependencies, as in production: each call's row gets its own id.
    const service = deps(slowContacts);
    const results = await Promise.all(Array.from({ length: 4 }, () => notifyOrderOutcome(service, outcome)));

    const ids = new Set(results.map((r) => (r.ok ? r.value.id : r.error.code)));
    expect(ids.size).toBe(1);
    expect(await storedMessages()).toHaveLength(1);
    expect(delivery.delivered).toHaveLength(1);
  });

  it('notifyOrderOutcome - a pending order is NOTIFICATION.ORDER_NOT_FINAL and nothing is sent', async () => {
    const result = await notifyOrderOutcome(deps(), anOutcome({ userId: 'user-1', status: 'pending' }));

    expect(!result.ok && result.error.code).toBe('NOTIFICATION.ORDER_NOT_FINAL');
    expect(await storedMessages()).toEqual([]);
    expect(delivery.delivered).toEqual([]);
  });

  it('notifyOrderOutcome - a user without contact data is NOTIFICATION.CONTACT_UNKNOWN and nothing is stored', async () => {
    const result = await notifyOrderOutcome(deps(contactsOf()), anOutcome({ userId: 'user-7' }));

    expect(!result.ok && result.error.code).toBe('NOTIFICATION.CONTACT_UNKNOWN');
    expect(await storedMessages()).toEqual([]);
    expect(delivery.delivered).toEqual([]);
  });
});
