import Database from 'better-sqlite3';
import { join } from 'node:path';

/**
 * Opens a service's SQLite file beside the service's own connection, as an intruder or a crash
 * would leave it, and runs `change` in one transaction.
 */
export function withDatabase(system: { readonly dataDir: string }, service: string, change: (db: Database.Database) => unknown): void {
  const db = new Database(join(system.dataDir, service, `${service}.sqlite`));
  try {
    // The service may hold the write lock for a moment; wait for it rather than fail.
    db.pragma('busy_timeout = 5000');
    db.transaction(() => change(db))();
  } finally {
    db.close();
  }
}
