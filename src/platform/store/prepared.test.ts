import type { Kysely, Migration } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, type TestDatabase } from '../../../test/support/builders.ts';
import { withTx } from '../../services/kernel/index.ts';
import { prepared } from './prepared.ts';
import { STORES } from '../../../test/support/stores.ts';

interface StockDb {
  stock: { sku: string; count: number; note: string | null };
}
const migrations: Record<string, Migration> = {
  '001_stock': {
    up: (db: Kysely<any>) =>
      db.schema
        .createTable('stock')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('note', 'text')
        .execute(),
  },
};

const addSku = prepared((db: Kysely<StockDb>, p: { sku: string; count: number; note: string | null }) =>
  db.insertInto('stock').values({ sku: p.sku, count: p.count, note: p.note }).onConflict((oc) => oc.column('sku').doNothing()).returning('sku'),
);
// Parameters in another order than the SQL's, next to a constant the builder fixed.
const take = prepared((db: Kysely<StockDb>, p: { sku: string; amount: number }) =>
  db
    .updateTable('stock')
    .set((eb) => ({ count: eb('count', '-', p.amount), note: 'taken' }))
    .where('sku', '=', p.sku)
    .where('count', '>=', p.amount)
    .returning(['count', 'note']),
);

describe.each(STORES)('prepared · %s', (kind) => {
  let store: TestDatabase<StockDb>;
  beforeEach(async () => {
    store = await aDatabase<StockDb>(migrations, kind);
  });
  afterEach(async () => {
    await store.dispose();
  });

  it('runs the same compiled statement with each call’s values, in and out of a transaction', async () => {
    expect(await addSku(store.db, { sku: 'a', count: 5, note: null })).toEqual([{ sku: 'a' }]);
    expect(await addSku(store.db, { sku: 'a', count: 9, note: 'again' })).toEqual([]);
    await withTx(store.db, async ({ trx }) => {
      expect(await take(trx, { amount: 2, sku: 'a' })).toEqual([{ count: 3, note: 'taken' }]);
      expect(await take(trx, { amount: 4, sku: 'a' })).toEqual([]);
    });
    expect(await store.db.selectFrom('stock').selectAll().execute()).toEqual([{ sku: 'a', count: 3, note: 'taken' }]);
  });

  it('refuses an undefined parameter instead of binding it', async () => {
    await expect(addSku(store.db, { sku: 'b', count: 1, note: undefined as unknown as null })).rejects.toThrow('parameter note is undefined');
    expect(await store.db.selectFrom('stock').selectAll().execute()).toEqual([]);
  });
});
