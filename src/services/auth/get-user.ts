import { err, ok, type Result } from '../kernel/index.ts';
import { userNotFound, type AuthError } from './errors.ts';
import type { AuthDeps, User } from './user.ts';

export async function getUser(deps: Pick<AuthDeps, 'db'>, id: string): Promise<Result<User, AuthError>> {
  const user = await deps.db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', id).executeTakeFirst();
  return user ? ok(user) : err(userNotFound(id));
}
