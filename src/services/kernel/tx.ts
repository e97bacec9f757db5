import type { Kysely } from 'kysely';

/**
 * Runs `fn` in a transaction, or inside the caller's one when `db` already is a transaction.
 * An event consumer opens the transaction to record the processed event id, and the use case
 * it calls commits its effect in that same transaction.
 */
export function withTx<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
