import { err, ok, type Result } from '../kernel/index.ts';
import { invalidCredentials, type AuthError } from './errors.ts';
import { normalizeEmail } from './register.ts';
import type { AuthDeps } from './user.ts';

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

/** Verified against when the email is unknown, so that a miss costs as much as a wrong password. */
let decoyHash: Promise<string> | undefined;

export async function login(deps: AuthDeps, input: Credentials): Promise<Result<AccessToken, AuthError>> {
  const row = await deps.db
    .selectFrom('users')
    .select(['id', 'password_hash'])
    .where('email', '=', normalizeEmail(input.email))
    .executeTakeFirst();
  if (!row) {
    decoyHash ??= deps.hasher.hash('decoy-password');
    await deps.hasher.verify(await decoyHash, input.password);
    return err(invalidCredentials());
  }
  if (!(await deps.hasher.verify(row.password_hash, input.password))) return err(invalidCredentials());
  const token = await deps.tokens.issueUserToken(row.id);
  return ok({ ...token, tokenType: 'Bearer' });
}
