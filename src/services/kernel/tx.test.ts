import type { Kysely, Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, type TestDatabase } from '../../../test/support/builders.ts';
import { STORES } from '../../../test/support/stores.ts';
import { openStore, type Store } from '../../platform/store/index.ts';
import { withTx } from './index.ts';

interface NotesDb {
  notes: { id: string };
}
const migrations: Record<string, Migration> = {
  '001_notes': { up: (db: Kysely<any>) => db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute() },
};

describe.each(STORES)('withTx · %s', (kind) => {
  let store: TestDatabase<NotesDb>;
  /** a second connection, as another process has: it sees only what was committed */
  let other: Store<NotesDb>;
  /** asked when called; the answer is the row as another connection sees it then */
  const committed = async (id: string): Promise<boolean> =>
    (await other.db.selectFrom('notes').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;

  beforeEach(async () => {
    store = await aDatabase<NotesDb>(migrations, kind);
    other = await openStore<NotesDb>(store.config);
  });
  afterEach(async () => {
    await other.close();
    await store.dispose();
  });

  it('afterCommit - runs a hook once the write is committed and visible to another connection', async () => {
    const seen: Promise<boolean>[] = [];

    await withTx(store.db, async ({ trx, afterCommit }) => {
      await trx.insertInto('notes').values({ id: 'a' }).execute();
      afterCommit(() => seen.push(committed('a')));
      expect(seen).toEqual([]);
    });

    expect(await Promise.all(seen)).toEqual([true]);
  });

  it('afterCommit - never runs a hook of a transaction that rolled back', async () => {
    const seen: string[] = [];

    await expect(
      withTx(store.db, async ({ trx, afterCommit }) => {
        await trx.insertInto('notes').values({ id: 'a' }).execute();
        afterCommit(() => seen.push('a'));
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');

    expect(seen).toEqual([]);
    expect(await committed('a')).toBe(false);
  });

  it('afterCommit - a nested withTx joins the transaction, and its hook runs once, after the outer commit', async () => {
    const seen: Promise<string>[] = [];

    await withTx(store.db, async (outer) => {
      await outer.trx.insertInto('notes').values({ id: 'outer' }).execute();
      await withTx(outer.trx, async (inner) => {
        expect(inner.trx).toBe(outer.trx);
        await inner.trx.insertInto('notes').values({ id: 'inner' }).execute();
        inner.afterCommit(() => seen.push(committed('inner').then((c) => `inner saw ${c}`)));
      });
      expect(seen).toEqual([]);
      outer.afterCommit(() => seen.push(Promise.resolve('outer')));
    });

    expect(await Promise.all(seen)).toEqual(['inner saw true', 'outer']);
  });

  it('afterCommit - a nested hook is dropped when the outer transaction rolls back after it', async () => {
    const seen: string[] = [];

    await expect(
      withTx(store.db, async (outer) => {
        await withTx(outer.trx, async (inner) => {
          await inner.trx.insertInto('notes').values({ id: 'inner' }).execute();
          inner.afterCommit(() => seen.push('inner'));
        });
        throw new Error('outer refused');
      }),
    ).rejects.toThrow('outer refused');

    expect(seen).toEqual([]);
    expect(await committed('inner')).toBe(false);
  });

  it('afterCommit - a failing hook leaves the commit standing and the other hooks run', async () => {
    const seen: string[] = [];

    await expect(
      withTx(store.db, async ({ trx, afterCommit }) => {
        await trx.insertInto('notes').values({ id: 'a' }).execute();
        afterCommit(() => {
          throw new Error('hook failed');
        });
        afterCommit(() => seen.push('second'));
      }),
    ).rejects.toThrow('hook failed');

    expect(seen).toEqual(['second']);
    expect(await committed('a')).toBe(true);
  });

  it('withTx - refuses to join a transaction it did not open, whose hooks would never run', async () => {
    await expect(store.db.transaction().execute((trx) => withTx<NotesDb, string>(trx, async () => 'joined'))).rejects.toThrow(/did not open/);
  });
});
