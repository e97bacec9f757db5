import type { Kysely } from 'kysely';
import { prepared, withTx } from '../kernel/index.ts';
import type { Contact, ContactDirectory, NotificationDeps } from './notification.ts';
import type { NotificationDB } from './schema.ts';

// Read for every order of the collaboration style, compiled once (see platform/store/prepared.ts).
const selectContact = prepared((db: Kysely<NotificationDB>, p: { userId: string }) =>
  db.selectFrom('contacts').select(['user_id', 'email', 'name']).where('user_id', '=', p.userId),
);

/** Keeps the latest contact data of a user; repeating it changes nothing. */
export async function rememberContact(deps: Pick<NotificationDeps, 'db' | 'clock'>, contact: Contact): Promise<void> {
  await withTx(deps.db, async ({ trx }) => {
    await trx
      .insertInto('contacts')
      .values({ user_id: contact.userId, email: contact.email, name: contact.name, updated_at: deps.clock.now() })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ email: contact.email, name: contact.name }))
      .execute();
  });
}

/** The contact directory of the collaboration style: the local copy, no calls out. */
export function localContacts(): ContactDirectory {
  return {
    async find(userId, db) {
      const [row] = await selectContact(db, { userId });
      return row ? { userId: row.user_id, email: row.email, name: row.name } : undefined;
    },
  };
}
