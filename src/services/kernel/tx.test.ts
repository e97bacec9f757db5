import Database from 'better-sqlite3';
import type { Kysely, Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, type TestDatabase } from '../../../test/support/builders.ts';
import { withTx } from './index.ts';

interface NotesDb {
  notes: { id: string };
}
const migrations: Record<string, Migration> = {
  '001_notes': { up: (db: Kysely<any>) => db.schema.createTable('notes').addColumn('id', 'text', (c) => c.primaryKey()).execute() },
};

describe('withTx', () => {
  let store: TestDatabase<NotesDb>;
  /** a second connection, as another process has: it sees only what was committed */
  let other: Database.Database;
  const committed = (id: string): boolean => other.prepare('SELECT 1 FROM notes WHERE id = ?').get(id) !== undefined;

  beforeEach(async () => {
    store = await aDatabase<NotesDb>(migrations);
    other = new Database(store.file, { readonly: true });
  });
  afterEach(async () => {
    other.close();
    await store.dispose();
  });

  it('afterCommit - runs a hook once the write is committed and visible to another connection', async () => {
    const seen: boolean[] = [];

    await withTx(store.db, async ({ trx, afterCommit }) => {
      await trx.insertInto('notes').values({ id: 'a' }).execute();
      afterCommit(() => seen.push(committed('a')));
      expect(seen).toEqual([]);
    });

    expect(seen).toEqual([true]);
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
    expect(committed('a')).toBe(false);
  });

  it('afterCommit - a nested withTx joins the transaction, and its hook runs once, after the outer commit', async () => {
    const seen: string[] = [];

    await withTx(store.db, async (outer) => {
      await outer.trx.insertInto('notes').values({ id: 'outer' }).execute();
      await withTx(outer.trx, async (inner) => {
        expect(inner.trx).toBe(outer.trx);
        await inner.trx.insertInto('notes').values({ id: 'inner' }).execute();
        inner.afterCommit(() => seen.push(`inner saw ${committed('inner')}`));
      });
      expect(seen).toEqual([]);
      outer.afterCommit(() => seen.push('outer'));
    });

    expect(seen).toEqual(['inner saw true', 'outer']);
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
    expect(committed('inner')).toBe(false);
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
    expect(committed('a')).toBe(true);
  });

  it('withTx - refuses to join a transaction it did not open, whose hooks would never run', async () => {
    await expect(store.db.transaction().execute((trx) => withTx<NotesDb, string>(trx, async () => 'joined'))).rejects.toThrow(/did not open/);
  });
});
