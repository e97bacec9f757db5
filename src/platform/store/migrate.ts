import { Migrator, sql, type Kysely, type Migration } from 'kysely';
import { SCHEMA_LOCK_KEY, storeKindOf } from './dialect.ts';

/**
 * Applies a service's migrations in name order; throws when one fails.
 *
 * Kysely's Migrator runs the pending migrations in one transaction under its own session advisory
 * lock on PostgreSQL, but creates its bookkeeping tables (kysely_migration, kysely_migration_lock)
 * before taking it, tolerating the race by catching and re-checking. Replicas starting together on a
 * fresh database are serialised here as a whole, on one connection, under the same lock key as the
 * event tables (dialect.ts lockSchema), so the second replica waits and then finds everything applied.
 * On SQLite the migration transaction's BEGIN IMMEDIATE serialises them (sqlite.ts).
 */
export async function migrate<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  if (storeKindOf(db) !== 'postgres') return runMigrator(db, migrations);
  await db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${sql.lit(SCHEMA_LOCK_KEY)})`.execute(conn);
    try {
      await runMigrator(conn, migrations);
    } finally {
      await sql`SELECT pg_advisory_unlock(${sql.lit(SCHEMA_LOCK_KEY)})`.execute(conn);
    }
  });
}

async function runMigrator<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
