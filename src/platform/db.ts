import Database from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Migration } from 'kysely';

/** How many distinct SQL texts keep a prepared statement; the services issue a few dozen. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens one service's SQLite file: WAL, foreign keys, and a cache of prepared statements,
 * because Kysely's SQLite driver prepares every query anew.
 */
export function openSqlite<DB>(file: string): Kysely<DB> {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction when the process dies, only on power loss.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (a second `interplay up` on the same --data) waits this long for a lock.
  sqlite.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const database = {
    prepare(sql: string): Database.Statement {
      let stmt = statements.get(sql);
      if (!stmt) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
        stmt = sqlite.prepare(sql);
        statements.set(sql, stmt);
      }
      return stmt;
    },
    close(): void {
      statements.clear();
      sqlite.close();
    },
  };
  return new Kysely<DB>({ dialect: new SqliteDialect({ database }) });
}

/** Applies a service's migrations in name order; throws when one fails. */
export async function migrate<DB>(db: Kysely<DB>, migrations: Record<string, Migration>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
}
