import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropDatabase, type StoreConfig, type StoreKind } from '../../src/platform/store/index.ts';
import { startPrivatePostgres } from '../../src/runtime/postgres-server.ts';

const ALL_STORES: readonly StoreKind[] = ['sqlite', 'postgres'];

/**
 * Every test of storage, the unit of work, the relay and idempotency runs on each: `describe.each(STORES)`.
 * `INTERPLAY_TEST_STORES=sqlite` narrows them for the unit lane (`npm run test:unit`, vitest.unit.config.ts),
 * which needs nothing but Node; `npm test` sets nothing and runs both. An unknown name stops the run.
 */
export const STORES: readonly StoreKind[] = (() => {
  const asked = process.env['INTERPLAY_TEST_STORES'];
  if (asked === undefined || asked === '') return ALL_STORES;
  const kinds = asked.split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !ALL_STORES.includes(k as StoreKind));
  if (unknown.length > 0) throw new Error(`INTERPLAY_TEST_STORES names ${unknown.join(', ')}; the stores are ${ALL_STORES.join(', ')}`);
  return kinds as StoreKind[];
})();

/** The machine's PostgreSQL as libpq's variables name it, else 127.0.0.1:5432 as postgres. */
function machineUrl(): string {
  const host = process.env['PGHOST'] ?? '127.0.0.1';
  const port = process.env['PGPORT'] ?? '5432';
  const user = encodeURIComponent(process.env['PGUSER'] ?? 'postgres');
  const password = process.env['PGPASSWORD'] ? `:${encodeURIComponent(process.env['PGPASSWORD'])}` : '';
  return `postgres://${user}${password}@${host.startsWith('/') ? 'localhost' : host}:${port}/postgres`;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let server: Promise<string> | undefined;

/**
 * The server tests use, found once per test worker: the machine's PostgreSQL when one answers, else a
 * private one started here (and stopped when the worker exits). No server at all fails the test
 * loudly (PostgresNotFound names how to install one); it never skips.
 */
export function testPostgresUrl(): Promise<string> {
  server ??= (async () => {
    const url = machineUrl();
    if (await answers(url)) return url;
    const started = await startPrivatePostgres();
    return started.url;
  })();
  return server;
}

let serial = 0;

/** A database name no other test, worker or helper on the server uses: `it_<pid>_<n>_<random>`. */
export const uniqueDatabaseName = (): string => `it_${process.pid}_${++serial}_${randomBytes(4).toString('hex')}`;

export interface TestStoreConfig {
  readonly config: StoreConfig;
  /** removes the file's directory, or drops the database (closing whatever is still connected) */
  dispose(): Promise<void>;
}

/** A fresh, empty store of `kind`: a SQLite file in a temporary directory, or a uniquely named database. */
export async function aStoreConfig(kind: StoreKind): Promise<TestStoreConfig> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-unit-'));
    return { config: { kind, file: join(dir, 'service.sqlite') }, dispose: () => rm(dir, { recursive: true, force: true }) };
  }
  const url = await testPostgresUrl();
  const database = uniqueDatabaseName();
  return { config: { kind, url, database, poolSize: 4 }, dispose: () => dropDatabase(url, database) };
}
