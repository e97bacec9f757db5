import { DEFAULT_DATABASE_PREFIX, databaseName } from '../../platform/store/index.ts';
import type { PrivatePostgres } from '../../runtime/postgres-server.ts';
import type { StoreRequest } from '../../runtime/store.ts';
import { SERVICES } from '../../model/style.ts';

/**
 * Why a PostgreSQL fault cannot run on this system, or undefined when it can: only a private server,
 * one this run started, is stopped or has its connections cut (a server given by URL is someone else's).
 */
export function postgresFaultUnfit(store: StoreRequest | undefined, server: PrivatePostgres | undefined): string | undefined {
  if (store?.kind !== 'postgres') return 'needs --store postgres';
  if (!server) return 'the server was given by --database-url; only a private PostgreSQL is stopped';
  return undefined;
}

/** The services' databases on the run's server: `${prefix}_${service}`. */
export const serviceDatabases = (store: StoreRequest | undefined): string[] => {
  const prefix = (store?.kind === 'postgres' ? store.prefix : undefined) ?? DEFAULT_DATABASE_PREFIX;
  return SERVICES.map((service) => databaseName(prefix, service));
};

/** Ends every connection to the services' databases (pg_terminate_backend); how many ended. */
export async function terminateServiceConnections(server: PrivatePostgres, store: StoreRequest | undefined): Promise<number> {
  let ended = 0;
  for (const database of serviceDatabases(store)) ended += await server.terminateConnections(database);
  return ended;
}
