import type { Kysely } from 'kysely';
import { err, ok, prepared, type Result } from '../kernel/index.ts';
import type { AuthDB } from './schema.ts';
import { userNotFound, type AuthError } from './errors.ts';
import type { AuthDeps, User } from './user.ts';

// Read on every order of the notification style, compiled once (see platform/store/prepared.ts).
const selectUser = prepared((db: Kysely<AuthDB>, p: { id: string }) =>
  db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', p.id),
);

export async function getUser(deps: Pick<AuthDeps, 'db'>, id: string): Promise<Result<User, AuthError>> {
  const [user] = await selectUser(deps.db, { id });
  return user ? ok(user) : err(userNotFound(id));
}
