import pg from 'pg';
import { serverAddress, withDatabase, type ServerAddress } from './config.ts';
import { DatabaseUnreachable } from './errors.ts';

/**
 * ms to wait for a TCP connection and the login. A server on this machine or its network answers
 * in milliseconds; a server that answers nothing at all (a firewall dropping packets) should fail
 * the start within a few seconds, not hang it.
 */
export const CONNECT_TIMEOUT_MS = 5_000;

/** pg's codes for "that database exists already", from two CREATE DATABASE racing. */
const DUPLICATE_DATABASE = '42P04';
/** the same race, lost on pg_database's unique index instead (the other transaction committed first) */
const UNIQUE_VIOLATION = '23505';

export function requireAddress(url: string): ServerAddress {
  const address = serverAddress(url);
  if (!address) throw new TypeError('the database URL must be a postgres:// or postgresql:// URL');
  return address;
}

/**
 * Creates `database` on the server when it is missing, through the maintenance database. Replicas
 * starting at once may both find it missing: the one that loses the race gets duplicate_database
 * (or a unique violation on pg_database), which means it is there now. Collation and ctype are C, so
 * text sorts and compares by bytes as in SQLite (ids, keyset cursors), and so no locale need exist.
 */
export async function ensureDatabase(url: string, database: string): Promise<void> {
  const address = requireAddress(url);
  const client = new pg.Client({ connectionString: withDatabase(url, address.maintenanceDatabase), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // A server that goes away mid-way emits 'error' on the client; the query then rejects as well.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new DatabaseUnreachable(address, error);
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount) return;
    await client
      .query(`CREATE DATABASE ${quoteIdentifier(database)} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`)
      .catch((error: { code?: string }) => {
        if (error.code !== DUPLICATE_DATABASE && error.code !== UNIQUE_VIOLATION) throw error;
      });
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Drops `database`, closing whatever is connected to it (tests, and a system's temporary databases). */
export async function dropDatabase(url: string, database: string): Promise<void> {
  const address = requireAddress(url);
  const client = new pg.Client({ connectionString: withDatabase(url, address.maintenanceDatabase), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Checks that the server answers and takes the login; throws DatabaseUnreachable with the cause. */
export async function probeServer(url: string): Promise<void> {
  const address = requireAddress(url);
  const client = new pg.Client({ connectionString: withDatabase(url, address.maintenanceDatabase), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new DatabaseUnreachable(address, error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;
