import { join } from 'node:path';

/** Where one service keeps its tables. */
export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | {
      readonly kind: 'postgres';
      /** a postgres:// URL naming the server (user, password, host, port); its path names only the maintenance database */
      readonly url: string;
      /** this service's own database on that server, created when missing */
      readonly database: string;
      /** connections in this process's pool; default DEFAULT_POOL_SIZE */
      readonly poolSize?: number;
      /** group commit (see StoreSelection); default false */
      readonly groupCommit?: boolean;
    };

export const STORE_KINDS = ['sqlite', 'postgres'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** What a whole system stores in: every service gets its own file or its own database from this. */
export type StoreSelection =
  | { readonly kind: 'sqlite' }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** database names are `${prefix}_${service}`; default DEFAULT_DATABASE_PREFIX */
      readonly prefix?: string;
      readonly poolSize?: number;
      /**
       * each service's units of work that arrive together share a commit (group commit). Only where each
       * service's database has one writing process: two processes' groups hold each other's rows until
       * their COMMITs, and deadlock (docs/postgres.md); default false
       */
      readonly groupCommit?: boolean;
    };

export const DEFAULT_DATABASE_PREFIX = 'interplay';

/**
 * Connections per service process. A service's statements are short (an order's path is a few
 * indexed reads and writes), so a connection is busy only while PostgreSQL works on it; on 2 cores
 * more than about 2 × cores backends working at once only queue in the server (the PostgreSQL wiki's
 * "core_count × 2" rule). 4 per process lets one service use both cores while it waits on commits,
 * and keeps four services with a few replicas each well under the server's default 100 connections.
 */
export const DEFAULT_POOL_SIZE = 4;

/** PostgreSQL's limit on identifiers (NAMEDATALEN − 1). */
const MAX_NAME = 63;
/** the longest service name a prefix is joined with */
const LONGEST_SERVICE = '_notification'.length;

/** Why a prefix cannot name databases, or undefined when it can. Lower case: unquoted names fold to it. */
export function checkDatabasePrefix(prefix: string): string | undefined {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) return 'must be lower-case letters, digits and _, starting with a letter or _';
  if (prefix.length + LONGEST_SERVICE > MAX_NAME) return `must be at most ${MAX_NAME - LONGEST_SERVICE} characters`;
  return undefined;
}

export const databaseName = (prefix: string, service: string): string => `${prefix}_${service}`;

/** One service's store in a system's selection: `dir/<service>.sqlite`, or the database `${prefix}_${service}`. */
export function storeFor(selection: StoreSelection, service: string, dir: string): StoreConfig {
  if (selection.kind === 'sqlite') return { kind: 'sqlite', file: join(dir, `${service}.sqlite`) };
  return {
    kind: 'postgres',
    url: selection.url,
    database: databaseName(selection.prefix ?? DEFAULT_DATABASE_PREFIX, service),
    ...(selection.poolSize === undefined ? {} : { poolSize: selection.poolSize }),
    ...(selection.groupCommit === undefined ? {} : { groupCommit: selection.groupCommit }),
  };
}

/** The server a PostgreSQL URL names, without its password: what messages may show. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** the database to connect to for CREATE DATABASE; default postgres */
  readonly maintenanceDatabase: string;
}

/** Parses a postgres:// or postgresql:// URL; undefined when it is not one. */
export function serverAddress(url: string): ServerAddress | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') return undefined;
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const path = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  return {
    host: parsed.hostname === '' ? 'localhost' : parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    user: decodeURIComponent(parsed.username) || 'postgres',
    maintenanceDatabase: path === '' ? 'postgres' : path,
  };
}

/** "host:port", for messages; never the password. */
export const describeServer = (address: ServerAddress): string =>
  `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;

/** The same server URL with another database in its path (and every query parameter kept). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
