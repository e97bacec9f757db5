import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aContact, aDatabase, anOutcome, fixedClock, notificationDeps, type TestDatabase } from '../../../test/support/builders.ts';
import { localContacts, notificationMigrations, notifyOrderOutcome, rememberContact, type NotificationDB } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('contacts · %s', (kind) => {
  let store: TestDatabase<NotificationDB>;
  const deps = () => ({ db: store.db, clock: fixedClock() });

  beforeEach(async () => {
    store = await aDatabase<NotificationDB>(notificationMigrations, kind);
  });
  afterEach(() => store.dispose());

  it('rememberContact - makes the contact findable in the local directory', async () => {
    const contact = aContact();

    await rememberContact(deps(), contact);

    expect(await localContacts().find(contact.userId, store.db)).toEqual(contact);
  });

  it('rememberContact - keeps the latest data, and repeating it changes nothing', async () => {
    const contact = aContact({ userId: 'user-1', name: 'Ada' });
    await rememberContact(deps(), contact);
    await rememberContact(deps(), { ...contact, name: 'Ada Lovelace', email: 'ada@lovelace.org' });

    await rememberContact(deps(), { ...contact, name: 'Ada Lovelace', email: 'ada@lovelace.org' });

    expect(await localContacts().find('user-1', store.db)).toEqual({ userId: 'user-1', name: 'Ada Lovelace', email: 'ada@lovelace.org' });
    expect(await store.db.selectFrom('contacts').selectAll().execute()).toHaveLength(1);
  });

  it('localContacts - an unknown user is not found', async () => {
    expect(await localContacts().find('nobody', store.db)).toBeUndefined();
  });

  it('localContacts - a remembered contact is enough for notifyOrderOutcome to address the message', async () => {
    await rememberContact(deps(), aContact({ userId: 'user-1', name: 'Grace' }));
    const notifying = notificationDeps(store.db, { contacts: localContacts() });

    const result = await notifyOrderOutcome(notifying, anOutcome({ userId: 'user-1' }));

    expect(result.ok && result.value.message).toMatch(/^Grace, /);
  });
});
