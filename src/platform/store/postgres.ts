import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  PostgresDriver,
  type DatabaseConnection,
  type Driver,
  type PostgresDialectConfig,
  type TransactionSettings,
} from 'kysely';
import { DEFAULT_POOL_SIZE, withDatabase } from './config.ts';
import { CONNECT_TIMEOUT_MS, ensureDatabase, requireAddress } from './create-database.ts';
import { DatabaseUnreachable } from './errors.ts';
import { shareCommits } from './commit-sharing.ts';

const INT8_OID = 20;

/**
 * pg returns int8 (bigint) as a string, because it may exceed 2^53. The services' bigint columns
 * hold money in minor units and ms since the epoch, which the schemas keep safe integers (the
 * balance CHECK caps it at 2^53 − 1), and count(*) is int8 too; so they are parsed to numbers, as
 * SQLite returns them, and a value that is not a safe integer fails the query instead of being rounded.
 */
function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`bigint ${text} is not a safe integer`);
  return value;
}

/** Per pool, not pg's global registry: a library sharing the process keeps pg's defaults. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresOptions {
  /** server URL; its path names the maintenance database */
  readonly url: string;
  /** the service's own database, created when missing */
  readonly database: string;
  /** default DEFAULT_POOL_SIZE */
  readonly poolSize?: number;
  /** an idle pooled connection failed (the server went away); the pool drops it and reconnects on demand */
  readonly onIdleError?: (error: Error) => void;
  /**
   * default false. The units of work that arrive together share one transaction and one WAL flush, a
   * savepoint each (services/kernel/group-commit.ts): less CPU per order where this process is the
   * database's only writer; with replicas writing one database, their groups hold each other's rows
   * until their COMMITs and deadlock (docs/postgres.md, docs/benchmarks.md).
   */
  readonly groupCommit?: boolean;
}

/**
 * Opens one service's PostgreSQL database: one pool per process, READ COMMITTED transactions,
 * group commit when asked, int8 as numbers. The database is created when missing; a server that does not answer, or refuses
 * the login, fails here with DatabaseUnreachable.
 */
export async function openPostgres<DB>(opts: PostgresOptions): Promise<Kysely<DB>> {
  const address = requireAddress(opts.url);
  await ensureDatabase(opts.url, opts.database);
  const pool = new pg.Pool({
    connectionString: withDatabase(opts.url, opts.database),
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    types,
    // A request waiting for a connection while the server is down fails after this, as a 503.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    application_name: `interplay ${opts.database}`,
  });
  // Without a listener, an idle client's error (the server stopped, pg_terminate_backend) would be an
  // uncaught 'error' event and end the process. pg removes that client; the next query connects anew.
  pool.on('error', (error) => opts.onIdleError?.(error));
  // pg-pool takes that listener off a client while it is checked out; a checked-out client between two
  // statements (inside a transaction, say) whose connection is ended would then throw the same uncaught
  // 'error'. Its own listener keeps the process up, and says nothing: the next statement on it fails and
  // that failure reaches the caller (an idle client's error is still reported once, by the pool's event);
  // the pool drops it on release because it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<DB>({ dialect: new ReadCommittedDialect({ pool }) });
  try {
    await db.executeQuery(CompiledQuery.raw('SELECT 1'));
  } catch (error) {
    await db.destroy();
    throw new DatabaseUnreachable(address, error);
  }
  if (opts.groupCommit) shareCommits(db);
  return db;
}

/**
 * Every transaction is READ COMMITTED whatever the server's default_transaction_isolation says:
 * the services' conditional UPDATEs (a charge WHERE balance >= amount, a pending order settled once)
 * and INSERT … ON CONFLICT are written for it. A concurrent writer's row is waited for and the
 * condition re-checked against its committed version, so no serialization failure needs retrying.
 */
class ReadCommittedDriver extends PostgresDriver {
  override async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    if (settings.isolationLevel || settings.accessMode) return super.beginTransaction(connection, settings);
    await connection.executeQuery(CompiledQuery.raw('begin isolation level read committed'));
  }
}

class ReadCommittedDialect extends PostgresDialect {
  readonly #config: PostgresDialectConfig;
  constructor(config: PostgresDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ReadCommittedDriver(this.#config);
  }
}
