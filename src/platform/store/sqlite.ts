import Database from 'better-sqlite3';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
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
 * ms between WAL checkpoints of one database, each drawn from ±CHECKPOINT_JITTER of it. SQLite's own
 * automatic checkpoint runs inside whichever commit pushes the log past 1,000 pages, unmeasured and on
 * that request's path; a timer of ours runs the same PASSIVE checkpoint between requests and times it
 * (`interplay_sqlite_checkpoint_seconds`). Once a second keeps the log to a second of writes (a few
 * MiB at the highest rates held here), about what the automatic one allowed.
 */
const CHECKPOINT_EVERY_MS = 1_000;
/**
 * share of the period each wait is drawn from, either side: the databases of one process (four,
 * inproc) opened in the same millisecond would otherwise checkpoint in the same turn of the loop,
 * adding their pauses into one.
 */
const CHECKPOINT_JITTER = 0.25;

/** One row of `PRAGMA wal_checkpoint`: frames in the log, and how many of them are now in the database. */
interface CheckpointRow {
  readonly busy: number;
  readonly log: number;
  readonly checkpointed: number;
}

/** What each checkpoint took; the process's registry by default (see platform/process-metrics.ts). */
export type CheckpointObserver = (database: string, seconds: number) => void;
let observeCheckpoint: CheckpointObserver = () => undefined;

/** Where checkpoint durations go; the processes that serve /metrics/process set it once. */
export function onCheckpoint(observer: CheckpointObserver): void {
  observeCheckpoint = observer;
}

/**
 * Runs a PASSIVE checkpoint of `sqlite` every CHECKPOINT_EVERY_MS (jittered) and reports each one
 * that copied frames. PASSIVE never waits for a lock: with another process writing the same file it
 * copies what it can, and the next one copies the rest. @returns stop
 */
function checkpointPeriodically(sqlite: Database.Database, database: string): () => void {
  let last = { log: -1, checkpointed: -1 };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(run, CHECKPOINT_EVERY_MS * (1 - CHECKPOINT_JITTER + 2 * CHECKPOINT_JITTER * Math.random()));
    // A process that is otherwise done does not stay up for its next checkpoint; closing checkpoints anyway.
    timer.unref();
  };
  const run = () => {
    try {
      const started = performance.now();
      const [row] = sqlite.pragma('wal_checkpoint(PASSIVE)') as CheckpointRow[];
      const seconds = (performance.now() - started) / 1000;
      // The same counts as last time: nothing was written since, and nothing was copied.
      if (row && (row.log !== last.log || row.checkpointed !== last.checkpointed) && row.checkpointed > 0) observeCheckpoint(database, seconds);
      if (row) last = row;
    } catch {
      // A database being closed; a later open starts its own timer.
      return;
    }
    schedule();
  };
  schedule();
  return () => clearTimeout(timer);
}

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
  // The checkpoints are ours, timed and spread (see CHECKPOINT_EVERY_MS), not inside a commit.
  sqlite.pragma('wal_autocheckpoint = 0');
  const stopCheckpoints = checkpointPeriodically(sqlite, basename(file));
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
  return new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database }) });
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
