import Database from 'better-sqlite3';
import { BACKSTOP_LOG_FRAMES, checkpointInBackground } from './checkpointer.ts';
import { shareCommits } from './commit-sharing.ts';
import {
  CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

/** How many distinct SQL texts keep a prepared statement; the services issue a few dozen. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Opens one service's SQLite file: WAL, foreign keys, a cache of prepared statements (Kysely's
 * SQLite driver prepares every query anew), and group commit for withTx: the file has one writer,
 * its transactions already run one at a time, and a COMMIT is the costliest statement of a unit of
 * work, so the units that arrive together share one (commit-sharing.ts marks it; the unit of work in
 * services/kernel/group-commit.ts groups them).
 */
export function openSqlite<DB>(file: string, opts: { /** default true */ readonly groupCommit?: boolean } = {}): Kysely<DB> {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode loses no committed transaction when the process dies, only on power loss.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (a second `interplay up` on the same --data) waits this long for a lock.
  sqlite.pragma('busy_timeout = 5000');
  // Checkpoints wait for the disk: a worker thread runs them, a commit on the event loop only as the
  // backstop for a worker that fell behind (see checkpointer.ts).
  sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_LOG_FRAMES}`);
  const stopCheckpoints = checkpointInBackground(sqlite, file);
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
      stopCheckpoints();
      statements.clear();
      sqlite.close();
    },
  };
  const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database }) });
  if (opts.groupCommit ?? true) shareCommits(db);
  return db;
}

/**
 * Every transaction here writes. A deferred transaction (SQLite's default BEGIN) that reads and
 * then writes takes the write lock only at its first write; in WAL mode, when another process
 * committed in between, that upgrade fails with SQLITE_BUSY_SNAPSHOT at once, and busy_timeout
 * does not retry it (the snapshot is stale, waiting cannot help). BEGIN IMMEDIATE takes the write
 * lock up front, where busy_timeout does wait, so replicas on one file queue instead of failing.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/**
 * SQLite runs DDL inside transactions; Kysely's adapter says it does not only because one
 * connection needs no migration lock. Replicas starting at once on a fresh file each run the
 * migrator: inside one BEGIN IMMEDIATE transaction the second waits, then finds them applied.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
