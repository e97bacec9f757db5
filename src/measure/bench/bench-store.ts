import { serverAddress } from '../../platform/store/config.ts';
import { startPrivatePostgres } from '../../runtime/postgres-server.ts';
import type { StoreRequest } from '../../runtime/store.ts';

export interface BenchDatabase {
  /** what the system is started with: a private server's URL in place of none */
  readonly store: StoreRequest;
  /** the private postmaster's pid, whose process tree's CPU counts as the system's */
  readonly pid?: number;
}

/**
 * The run's store. PostgreSQL without a URL: a private server started in this process and stopped
 * with the run (kept in DATA/postgres with --data), so its processes are measured; with a URL, the
 * server is someone else's and not measured.
 */
export async function ownDatabase(
  store: StoreRequest | undefined,
  data: string | undefined,
  cleanups: (() => Promise<unknown>)[],
): Promise<BenchDatabase | undefined> {
  if (!store) return undefined;
  if (store.kind === 'sqlite' || store.url) return { store };
  const server = await startPrivatePostgres(data ? { dir: `${data}/postgres` } : {});
  cleanups.push(() => server.stop());
  return { store: { ...store, url: server.url }, pid: server.pid };
}

/** The run's environment.storage: what kept the tables, never a password. */
export function storageText(store: StoreRequest | undefined, external: boolean): string {
  if (external) return 'as the external system has it';
  if (!store || store.kind === 'sqlite') return 'SQLite (WAL), one file per service';
  const address = store.url ? serverAddress(store.url) : undefined;
  const where = address ? `at ${address.host}:${address.port}` : 'a private server started for the run';
  return `PostgreSQL (${where}), one database per service, a pool of ${store.poolSize ?? 4} per process`;
}
