import { PostgresAdapter, sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { StoreKind } from './config.ts';

/** Which store a Kysely instance (or one of its transactions) talks to. */
export const storeKindOf = (db: Kysely<any>): StoreKind => (db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite');

/**
 * The advisory lock key that serialises schema changes of one database: migrations and the event
 * tables. Advisory locks are per database, so services sharing a server do not wait for each other.
 * Any constant works; this one is "interplay" in ASCII, to be recognisable in pg_locks.
 */
export const SCHEMA_LOCK_KEY = 0x696e74_6572706c;

/**
 * Call first inside a transaction that changes the schema. On PostgreSQL, two replicas starting on a
 * fresh database would both find a table missing and both create it, and the second fails on a
 * catalog unique index: the transaction-scoped advisory lock makes the second wait for the first's
 * commit, then find the tables. On SQLite the transaction's BEGIN IMMEDIATE already does that.
 */
export async function lockSchema(trx: Kysely<any>): Promise<void> {
  if (storeKindOf(trx) === 'postgres') await sql`SELECT pg_advisory_xact_lock(${sql.lit(SCHEMA_LOCK_KEY)})`.execute(trx);
}

/**
 * A subquery that picks rows for this process to claim. On PostgreSQL it locks them and skips rows
 * another transaction has locked (FOR UPDATE SKIP LOCKED), so two claimers at once take different
 * rows instead of one waiting for the other and then finding the rows gone. SQLite has one writer
 * at a time (BEGIN IMMEDIATE), so there is nothing to skip.
 */
export function forClaiming<DB, TB extends keyof DB, O>(db: Kysely<any>, query: SelectQueryBuilder<DB, TB, O>): SelectQueryBuilder<DB, TB, O> {
  return storeKindOf(db) === 'postgres' ? query.forUpdate().skipLocked() : query;
}
