import type { Kysely, Migration } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: number;
}

/** Login attempts per key (`account:<email>`, `address:<ip>`); see login-limits.ts. */
export interface LoginLimitsTable {
  key: string;
  /** ms since the epoch; when the current window of counted attempts began */
  window_start: number;
  /** failed attempts in the window */
  failures: number;
  /** attempts admitted whose password is still being checked */
  pending: number;
  /** ms since the epoch; attempts before this are refused (0: not blocked) */
  blocked_until: number;
  /** blocks in a row; each one lasts twice the one before, up to the cap */
  blocks: number;
  /** the token of the last attempt admitted, so the upsert's RETURNING says whether this one was */
  admitted: string;
}

export interface AuthDB {
  users: UsersTable;
  login_limits: LoginLimitsTable;
}

export const authMigrations: Record<string, Migration> = {
  '001_users': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  '002_login_limits': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_limits')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('pending', 'integer', (c) => c.notNull())
        .addColumn('blocked_until', 'bigint', (c) => c.notNull())
        .addColumn('blocks', 'integer', (c) => c.notNull())
        .addColumn('admitted', 'text', (c) => c.notNull())
        .execute();
    },
  },
};
