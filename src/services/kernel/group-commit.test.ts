import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, type TestDatabase } from '../../../test/support/builders.ts';
import { STORES } from '../../../test/support/stores.ts';
import { openStore, type Store } from '../../platform/store/index.ts';
import { GROUP_MAX_UNITS } from './group-commit.ts';
import { groupCommits, withTx } from './index.ts';

interface NotesDb {
  notes: { id: string };
  /** a reference checked only at COMMIT, so that a test can make a shared COMMIT fail */
  refs: { id: string; note_id: string };
}
const migrations: Record<string, Migration> = {
  '001_notes': {
    up: async (db: Kysely<any>) => {
      await db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute();
      await db.schema
        .createTable('refs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('note_id', 'text', (c) => c.notNull())
        .addForeignKeyConstraint('refs_note', ['note_id'], 'notes', ['id'], (fk) => fk.deferrable().initiallyDeferred())
        .execute();
    },
  },
};

/**
 * SQLite opens with group commit; PostgreSQL does not (docs/postgres.md says why), so here it is
 * turned on for both: the mechanism must hold on either store.
 */
describe.each(STORES)('group commit · %s', (kind) => {
  let store: TestDatabase<NotesDb>;
  /** another connection, as another process has: it sees only what was committed */
  let other: Store<NotesDb>;
  const committed = async (id: string): Promise<boolean> =>
    (await other.db.selectFrom('notes').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  const insert = (trx: Kysely<NotesDb>, id: string) => trx.insertInto('notes').values({ id }).execute();

  beforeEach(async () => {
    store = await aDatabase<NotesDb>(migrations, kind);
    groupCommits(store.db);
    other = await openStore<NotesDb>(store.config);
  });
  afterEach(async () => {
    await other.close();
    await store.dispose();
  });

  it('a request that fails inside a shared commit rolls back only its own writes; the others are committed', async () => {
    const seen: string[] = [];

    // Started in one tick, as requests read in one turn of the event loop are.
    const results = await Promise.allSettled([
      withTx(store.db, async ({ trx }) => {
        await insert(trx, 'a');
        seen.push('a ran');
      }).then(() => seen.push('a answered')),
      withTx(store.db, async ({ trx }) => {
        await insert(trx, 'b');
        await insert(trx, 'b2');
        throw new Error('b refused');
      }),
      withTx(store.db, async ({ trx }) => {
        await insert(trx, 'c');
        seen.push('c ran');
      }).then(() => seen.push('c answered')),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('b refused') });
    expect(await Promise.all(['a', 'b', 'b2', 'c'].map(committed))).toEqual([true, false, false, true]);
    // One commit for both: a is answered only once c, which came after it, is done too.
    expect(seen).toEqual(['a ran', 'c ran', 'a answered', 'c answered']);
  });

  it('afterCommit - each hook runs after the shared commit, with every unit of the group visible to another connection', async () => {
    const ran: string[] = [];
    const seen: Promise<boolean[]>[] = [];

    await Promise.all(
      ['a', 'b'].map((id) =>
        withTx(store.db, async ({ trx, afterCommit }) => {
          await insert(trx, id);
          ran.push(`${id} ran`);
          afterCommit(() => {
            ran.push(`${id} hook`);
            seen.push(Promise.all([committed('a'), committed('b')]));
          });
        }),
      ),
    );

    expect(ran).toEqual(['a ran', 'b ran', 'a hook', 'b hook']);
    expect(await Promise.all(seen)).toEqual([
      [true, true],
      [true, true],
    ]);
  });

  it('a failed COMMIT fails every unit of the group and keeps none of their writes; the next unit commits alone', async () => {
    const results = await Promise.allSettled([
      withTx(store.db, ({ trx }) => insert(trx, 'a')),
      // The reference is checked at COMMIT, and fails it: there is no note 'missing'.
      withTx(store.db, ({ trx }) => trx.insertInto('refs').values({ id: 'r', note_id: 'missing' }).execute()),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await committed('a')).toBe(false);

    await withTx(store.db, ({ trx }) => insert(trx, 'after'));
    expect(await committed('after')).toBe(true);
  });

  it('takes any number of requests at once, in groups of at most GROUP_MAX_UNITS, and commits them all', async () => {
    const ids = Array.from({ length: GROUP_MAX_UNITS * 2 + 5 }, (_, i) => `n${i}`);
    const answered: string[] = [];

    await Promise.all(ids.map((id) => withTx(store.db, ({ trx }) => insert(trx, id)).then(() => answered.push(id))));

    expect(answered).toEqual(ids);
    const count = await other.db.selectFrom('notes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(ids.length);
  });

  it('a request started by another one’s answer is committed too: nothing waits on a group that has closed', async () => {
    const chained = withTx(store.db, ({ trx }) => insert(trx, 'first')).then(() => withTx(store.db, ({ trx }) => insert(trx, 'second')));

    await chained;

    expect(await Promise.all([committed('first'), committed('second')])).toEqual([true, true]);
  });

  it('runs each request in its own async context (its trace), not the group’s', async () => {
    const trace = new AsyncLocalStorage<string>();

    const seen = await Promise.all(
      ['t1', 't2', 't3'].map((id) => trace.run(id, () => withTx(store.db, async ({ trx }) => (await insert(trx, id), trace.getStore())))),
    );

    expect(seen).toEqual(['t1', 't2', 't3']);
  });
});
