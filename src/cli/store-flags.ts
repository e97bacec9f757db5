import { InvalidArgumentError, Option, type Command } from 'commander';
import { STORE_KINDS, checkDatabasePrefix, serverAddress, type StoreKind } from '../platform/store/config.ts';
import type { StoreRequest } from '../runtime/store.ts';
import { STORE_ENV } from '../runtime/store-env.ts';
import { UsageError } from './errors.ts';

/** The store flags every command that starts a system takes, and `service`. */
export interface StoreFlags {
  readonly store: StoreKind;
  readonly databaseUrl?: string;
  readonly databasePrefix?: string;
  readonly databasePool?: number;
}

/**
 * A postgres:// or postgresql:// URL. Checked when the store is postgres, not as the flag is parsed:
 * commander's message would repeat the value, password included, and a DATABASE_URL in the
 * environment meant for another program must not stop a SQLite run.
 */
export function checkDatabaseUrl(value: string): string {
  if (!serverAddress(value)) throw new UsageError('--database-url (or DATABASE_URL) must be a PostgreSQL URL, for example postgres://USER:PASSWORD@HOST:5432');
  return value;
}

export function parseDatabasePrefix(value: string): string {
  const problem = checkDatabasePrefix(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return value;
}

/** 1 to 100: a pool larger than the server's default max_connections could never fill. */
export function parseDatabasePool(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 100) throw new InvalidArgumentError('must be a whole number from 1 to 100.');
  return n;
}

export const storeOption = (): Option =>
  new Option('--store <kind>', 'where the services keep their tables').choices([...STORE_KINDS]).default('sqlite').env(STORE_ENV.store);

export const databaseUrlOption = (): Option =>
  new Option('--database-url <url>', 'with --store postgres: the server (default: a private PostgreSQL started for the run)')
    .env(STORE_ENV.url);

export const databasePrefixOption = (): Option =>
  new Option('--database-prefix <prefix>', 'with --store postgres: each service uses the database PREFIX_<service> (default interplay)')
    .argParser(parseDatabasePrefix)
    .env(STORE_ENV.prefix);

export const databasePoolOption = (): Option =>
  new Option('--database-pool <n>', 'with --store postgres: connections per service process (default 4)').argParser(parseDatabasePool).env(STORE_ENV.pool);

/** The four store options, on a command that starts a system or a service. */
export function addStoreFlags(command: Command): Command {
  return command.addOption(storeOption()).addOption(databaseUrlOption()).addOption(databasePrefixOption()).addOption(databasePoolOption());
}

/** The flags as a request; a PostgreSQL flag given with --store sqlite is a usage error (it would be ignored). */
export function storeRequest(flags: StoreFlags): StoreRequest {
  if (flags.store === 'sqlite') return { kind: 'sqlite' };
  return {
    kind: 'postgres',
    ...(flags.databaseUrl ? { url: checkDatabaseUrl(flags.databaseUrl) } : {}),
    ...(flags.databasePrefix ? { prefix: flags.databasePrefix } : {}),
    ...(flags.databasePool ? { poolSize: flags.databasePool } : {}),
  };
}

/**
 * Refuses --database-* flags typed next to --store sqlite, where they would do nothing. Only flags
 * on the command line: a DATABASE_URL in the environment may be meant for something else.
 */
export function checkStoreFlags(command: Command, flags: StoreFlags): void {
  if (flags.store !== 'sqlite') return;
  for (const name of ['databaseUrl', 'databasePrefix', 'databasePool'] as const) {
    if (command.getOptionValueSource(name) === 'cli') {
      const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new UsageError(`${flag} goes with --store postgres`);
    }
  }
}
