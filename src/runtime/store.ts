import { probeServer, type StoreSelection } from '../platform/store/index.ts';
import { startPrivatePostgres, type PrivatePostgres } from './postgres-server.ts';

/** What a command asked to store in, before a server is found or started. */
export type StoreRequest =
  | { readonly kind: 'sqlite' }
  | {
      readonly kind: 'postgres';
      /** a server to use; without it, a private PostgreSQL is started */
      readonly url?: string;
      /** default DEFAULT_DATABASE_PREFIX */
      readonly prefix?: string;
      /** pool size per service process */
      readonly poolSize?: number;
    };

export interface ResolvedStore {
  readonly selection: StoreSelection;
  /** a private PostgreSQL this process started: to stop, start again, cut connections, and measure */
  readonly server?: PrivatePostgres;
  /** stops a private server; a no-op otherwise */
  stop(): Promise<void>;
}

/**
 * SQLite as it is; a PostgreSQL URL checked to answer and take the login (DatabaseUnreachable, one
 * line, otherwise); or a private PostgreSQL, kept in `dataDir/postgres` when the data is kept.
 */
export async function resolveStore(request: StoreRequest = { kind: 'sqlite' }, dataDir?: string): Promise<ResolvedStore> {
  const noop = async (): Promise<void> => {};
  if (request.kind === 'sqlite') return { selection: { kind: 'sqlite' }, stop: noop };
  const rest = {
    ...(request.prefix === undefined ? {} : { prefix: request.prefix }),
    ...(request.poolSize === undefined ? {} : { poolSize: request.poolSize }),
  };
  if (request.url) {
    await probeServer(request.url);
    return { selection: { kind: 'postgres', url: request.url, ...rest }, stop: noop };
  }
  const server = await startPrivatePostgres(dataDir ? { dir: `${dataDir}/postgres` } : {});
  return { selection: { kind: 'postgres', url: server.url, ...rest }, server, stop: () => server.stop() };
}
