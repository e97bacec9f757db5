import type { Kysely } from 'kysely';
import type { Clock, EventSink, Ids } from '../kernel/index.ts';
import type { LoginLimitPolicy } from './login-limits.ts';
import type { PasswordHasher } from './passwords.ts';
import type { AuthDB } from './schema.ts';
import type { TokenIssuer } from './tokens.ts';

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
}

export type AuthEvent = { readonly type: 'user.registered'; readonly user: User };

export interface AuthDeps {
  readonly db: Kysely<AuthDB>;
  readonly clock: Clock;
  readonly ids: Ids;
  readonly hasher: PasswordHasher;
  readonly tokens: TokenIssuer;
  readonly events: EventSink<AuthDB, AuthEvent>;
  /** failed logins refused per account and address; absent: no limit (a lab's `--limits off`) */
  readonly loginLimits?: LoginLimitPolicy;
}
