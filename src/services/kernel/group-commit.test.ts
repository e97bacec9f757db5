import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, type TestDatabase } from '../../../test/support/builders.ts';
import { STORES } from '../../../test/support/stores.ts';
import { sharesCommits } from '../../platform/store/commit-sharing.ts';
import { isDatabaseUnavailable, openStore, type Store, type StoreConfig } from '../../platform/store/index.ts';
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

const insert = (trx: Kysely<NotesDb>, id: string) => trx.insertInto('notes').values({ id }).execute();

/**
 * A fresh database per test with group commit on, and another pool on it, as another process (a
 * replica) has: it sees only what was committed, and groups its own units of work.
 */
function groupedStores(kind: (typeof STORES)[number]) {
  let db: TestDatabase<NotesDb>;
  let replica: Store<NotesDb>;
  beforeEach(async () => {
    db = await aDatabase<NotesDb>(migrations, kind);
    groupCommits(db.db);
    replica = await openStore<NotesDb>(db.config);
    groupCommits(replica.db);
  });
  afterEach(async () => {
    await replica.close();
    await db.dispose();
  });
  return {
    store: () => db.db,
    configOf: () => db.config,
    other: () => replica.db,
    committed: async (id: string): Promise<boolean> =>
      (await replica.db.selectFrom('notes').select('id').where('id', '=', id).executeTakeFirst()) !== undefined,
  };
}

/**
 * SQLite opens with group commit, PostgreSQL where a service's process is its database's only writer
 * (the inproc system); here it is on for both: the mechanism must hold on either store.
 */
describe.each(STORES)('group commit · %s', (kind) => {
  const { store, other, committed } = groupedStores(kind);

  it('a request that fails inside a shared commit rolls back only its own writes; the others are committed', async () => {
    const seen: string[] = [];

    // Started in one tick, as requests read in one turn of the event loop are.
    const results = await Promise.allSettled([
      withTx(store(), async ({ trx }) => {
        await insert(trx, 'a');
        seen.push('a ran');
      }).then(() => seen.push('a answered')),
      withTx(store(), async ({ trx }) => {
        await insert(trx, 'b');
        await insert(trx, 'b2');
        throw new Error('b refused');
      }),
      withTx(store(), async ({ trx }) => {
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
        withTx(store(), async ({ trx, afterCommit }) => {
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
      withTx(store(), ({ trx }) => insert(trx, 'a')),
      // The reference is checked at COMMIT, and fails it: there is no note 'missing'.
      withTx(store(), ({ trx }) => trx.insertInto('refs').values({ id: 'r', note_id: 'missing' }).execute()),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await committed('a')).toBe(false);

    await withTx(store(), ({ trx }) => insert(trx, 'after'));
    expect(await committed('after')).toBe(true);
  });

  it('takes any number of requests at once, in groups of at most GROUP_MAX_UNITS, and commits them all', async () => {
    const ids = Array.from({ length: GROUP_MAX_UNITS * 2 + 5 }, (_, i) => `n${i}`);
    const answered: string[] = [];

    await Promise.all(ids.map((id) => withTx(store(), ({ trx }) => insert(trx, id)).then(() => answered.push(id))));

    expect(answered).toEqual(ids);
    const count = await other().selectFrom('notes').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(ids.length);
  });

  it('a request started by another one’s answer is committed too: nothing waits on a group that has closed', async () => {
    const chained = withTx(store(), ({ trx }) => insert(trx, 'first')).then(() => withTx(store(), ({ trx }) => insert(trx, 'second')));

    await chained;

    expect(await Promise.all([committed('first'), committed('second')])).toEqual([true, true]);
  });

  it('runs each request in its own async context (its trace), not the group’s', async () => {
    const trace = new AsyncLocalStorage<string>();

    const seen = await Promise.all(
      ['t1', 't2', 't3'].map((id) => trace.run(id, () => withTx(store(), async ({ trx }) => (await insert(trx, id), trace.getStore())))),
    );

    expect(seen).toEqual(['t1', 't2', 't3']);
  });
});

/** What only PostgreSQL has: connections of their own that can be lost, and row locks between processes. */
describe.each(STORES.filter((kind) => kind === 'postgres'))('group commit on a server · %s', (kind) => {
  const { store, other, committed, configOf } = groupedStores(kind);

  it('a service’s pool shares commits only where asked: where its process is the database’s only writer', async () => {
    const asked = await openStore<NotesDb>({ ...(configOf() as Extract<StoreConfig, { kind: 'postgres' }>), groupCommit: true });
    const unasked = await openStore<NotesDb>(configOf());
    try {
      expect([sharesCommits(asked.db), sharesCommits(unasked.db)]).toEqual([true, false]);
    } finally {
      await Promise.all([asked.close(), unasked.close()]);
    }
  });

  it('a connection lost mid-group fails every unit of the group as the database unavailable, and commits none of them', async () => {
    const results = await Promise.allSettled([
      withTx(store(), ({ trx }) => insert(trx, 'a')),
      withTx(store(), async ({ trx }) => {
        await insert(trx, 'b');
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        const pid = rows[0]!.pid;
        await sql`select pg_terminate_backend(${pid})`.execute(other());
        // pg_terminate_backend signals the backend and returns; the next statement must meet it gone.
        for (;;) {
          const left = await sql`select 1 from pg_stat_activity where pid = ${pid}`.execute(other());
          if (left.rows.length === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await insert(trx, 'b2');
      }),
    ]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(results.map((r) => r.status === 'rejected' && isDatabaseUnavailable(r.reason))).toEqual([true, true]);
    expect(await Promise.all(['a', 'b', 'b2'].map(committed))).toEqual([false, false, false]);

    await withTx(store(), ({ trx }) => insert(trx, 'after'));
    expect(await committed('after')).toBe(true);
  });

  it('two processes’ groups each holding a row the other’s next unit needs: the unit that lost the deadlock runs again after its group, and every unit commits', async () => {
    await other().insertInto('notes').values([{ id: 'x' }, { id: 'y' }]).execute();
    const lock = (trx: Kysely<NotesDb>, id: string) => trx.updateTable('notes').set({ id }).where('id', '=', id).execute();
    let xHeld!: () => void;
    const xLocked = new Promise<void>((resolve) => (xHeld = resolve));
    let yHeld!: () => void;
    const yLocked = new Promise<void>((resolve) => (yHeld = resolve));
    const runs: string[] = [];

    // Each pair starts in one tick, so it is one group: its first unit's row stays locked until its COMMIT.
    const results = await Promise.allSettled([
      withTx(store(), async ({ trx }) => (await lock(trx, 'x'), xHeld(), await yLocked)),
      withTx(store(), async ({ trx }) => (runs.push('a'), await lock(trx, 'y'), await insert(trx, 'a'))),
      withTx(other(), async ({ trx }) => (await lock(trx, 'y'), yHeld(), await xLocked)),
      withTx(other(), async ({ trx }) => (runs.push('b'), await lock(trx, 'x'), await insert(trx, 'b'))),
    ]);

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await Promise.all(['a', 'b'].map(committed))).toEqual([true, true]);
    // One of the two ran twice: the deadlock failed one statement, not a request.
    expect(runs).toHaveLength(3);
  });
});
