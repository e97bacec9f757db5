import { err, ok, type Result } from '../kernel/index.ts';
import { TooManyAttempts, invalidCredentials, type AuthError } from './errors.ts';
import { admitLoginAttempt, loginFailed, loginKeys, loginSucceeded, pruneLoginLimits } from './login-limits.ts';
import { normalizeEmail } from './register.ts';
import type { AuthDeps } from './user.ts';

export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** Who is logging in, as far as the transport knows. */
export interface LoginClient {
  /** the client's network address; failures are limited per address as well as per account */
  readonly address?: string;
}

export interface AccessToken {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
}

/** Verified against when the email is unknown, so that a miss costs as much as a wrong password. */
let decoyHash: Promise<string> | undefined;

export async function login(deps: AuthDeps, input: Credentials, client: LoginClient = {}): Promise<Result<AccessToken, AuthError>> {
  const email = normalizeEmail(input.email);
  const limits = deps.loginLimits;
  const keys = loginKeys(email, client.address);
  // Counted before the hash: a refused attempt costs one upsert, never an argon2 run.
  if (limits) {
    await pruneLoginLimits(deps.db, limits, deps.clock.now());
    const admitted = await admitLoginAttempt(deps.db, limits, keys, deps.clock.now());
    if (!admitted.ok) return err(new TooManyAttempts(admitted.retryAfterMs, admitted.addressBlockedMs));
  }
  const userId = await checkPassword(deps, email, input.password);
  if (limits) await (userId ? loginSucceeded : loginFailed)(deps.db, keys);
  if (!userId) return err(invalidCredentials());
  const token = await deps.tokens.issueUserToken(userId);
  return ok({ ...token, tokenType: 'Bearer' });
}

/** The user's id when the password is theirs; an unknown email costs the same hash as a wrong password. */
async function checkPassword(deps: AuthDeps, email: string, password: string): Promise<string | undefined> {
  const row = await deps.db.selectFrom('users').select(['id', 'password_hash']).where('email', '=', email).executeTakeFirst();
  if (!row) {
    decoyHash ??= deps.hasher.hash('decoy-password');
    await deps.hasher.verify(await decoyHash, password);
    return undefined;
  }
  return (await deps.hasher.verify(row.password_hash, password)) ? row.id : undefined;
}
