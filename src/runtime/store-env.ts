import type { StoreSelection } from '../platform/store/config.ts';

/** The environment names of the store flags: what `interplay service` reads and a supervisor sets for its children. */
export const STORE_ENV = {
  store: 'INTERPLAY_STORE',
  url: 'DATABASE_URL',
  prefix: 'INTERPLAY_DATABASE_PREFIX',
  pool: 'INTERPLAY_DATABASE_POOL',
} as const;

/** What a store request or selection needs in a child process's environment to select the same store. */
export interface StoreChoice {
  readonly kind: StoreSelection['kind'];
  readonly url?: string;
  readonly prefix?: string;
  readonly poolSize?: number;
}

/**
 * The environment that selects the same store in a child process (`interplay service`, `interplay up`).
 * The URL travels in the environment, never in argv, where any user of the machine could read its password.
 */
export function storeEnv(choice: StoreChoice | undefined): Record<string, string> {
  if (!choice || choice.kind === 'sqlite') return { [STORE_ENV.store]: 'sqlite' };
  return {
    [STORE_ENV.store]: 'postgres',
    ...(choice.url ? { [STORE_ENV.url]: choice.url } : {}),
    ...(choice.prefix ? { [STORE_ENV.prefix]: choice.prefix } : {}),
    ...(choice.poolSize ? { [STORE_ENV.pool]: String(choice.poolSize) } : {}),
  };
}
