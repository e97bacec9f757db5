import type { Kysely } from 'kysely';
import { describeServer, serverAddress, type StoreConfig, type StoreKind } from './config.ts';
import { openSqlite } from './sqlite.ts';
import type * as CreateDatabase from './create-database.ts';

/** One service's open database, and what about it differs between the stores. */
export interface Store<DB = any> {
  readonly kind: StoreKind;
  readonly db: Kysely<DB>;
  /** where it is, for logs and /health: a file, or host:port/database (never a password) */
  readonly location: string;
  /** closes the file, or ends the pool */
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** PostgreSQL: an idle pooled connection failed; the pool reconnects on its own */
  readonly onIdleError?: (error: Error) => void;
}

/**
 * Opens a service's database from its store config. SQLite: the file (WAL, BEGIN IMMEDIATE).
 * PostgreSQL: the service's own database on the server, created when missing, behind one pool.
 * Throws DatabaseUnreachable when a PostgreSQL server cannot be used.
 */
export async function openStore<DB>(config: StoreConfig, opts: OpenStoreOptions = {}): Promise<Store<DB>> {
  switch (config.kind) {
    case 'sqlite': {
      const db = openSqlite<DB>(config.file);
      return { kind: 'sqlite', db, location: config.file, close: () => db.destroy() };
    }
    case 'postgres': {
      // pg loads here: a process on SQLite (every service by default) never needs it.
      const { openPostgres } = await import('./postgres.ts');
      const db = await openPostgres<DB>({
        url: config.url,
        database: config.database,
        poolSize: config.poolSize,
        groupCommit: config.groupCommit,
        onIdleError: opts.onIdleError,
      });
      const address = serverAddress(config.url);
      const location = `${address ? describeServer(address) : 'postgres'}/${config.database}`;
      return { kind: 'postgres', db, location, close: () => db.destroy() };
    }
  }
}

export {
  DEFAULT_DATABASE_PREFIX,
  DEFAULT_POOL_SIZE,
  STORE_KINDS,
  checkDatabasePrefix,
  databaseName,
  describeServer,
  serverAddress,
  storeFor,
} from './config.ts';
export type { ServerAddress, StoreConfig, StoreKind, StoreSelection } from './config.ts';
/** Creates the database on the server when missing (create-database.ts, loaded with pg on first use). */
export async function ensureDatabase(...args: Parameters<typeof CreateDatabase.ensureDatabase>): Promise<void> {
  return (await import('./create-database.ts')).ensureDatabase(...args);
}
/** Drops the database, closing what is connected to it. */
export async function dropDatabase(...args: Parameters<typeof CreateDatabase.dropDatabase>): Promise<void> {
  return (await import('./create-database.ts')).dropDatabase(...args);
}
/** Checks that the server answers and takes the login; throws DatabaseUnreachable with the cause. */
export async function probeServer(...args: Parameters<typeof CreateDatabase.probeServer>): Promise<void> {
  return (await import('./create-database.ts')).probeServer(...args);
}
export { forClaiming, lockSchema, storeKindOf } from './dialect.ts';
export { DatabaseUnreachable, isDatabaseUnavailable, isDeadlock } from './errors.ts';
export { migrate } from './migrate.ts';
export { openSqlite } from './sqlite.ts';
