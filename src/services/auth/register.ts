import { err, ok, withTx, type Result } from '../kernel/index.ts';
import { emailTaken, type AuthError } from './errors.ts';
import type { AuthDeps, User } from './user.ts';

export interface Registration {
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** Emails compare case-insensitively; the stored form is trimmed and lower-cased. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export async function register(deps: AuthDeps, input: Registration): Promise<Result<User, AuthError>> {
  const email = normalizeEmail(input.email);
  // Hash outside the transaction: it takes tens of milliseconds and holds no lock.
  const passwordHash = await deps.hasher.hash(input.password);
  const user: User = { id: deps.ids.next(), email, name: input.name.trim() };
  return withTx(deps.db, async (tx) => {
    const inserted = await tx.trx
      .insertInto('users')
      .values({ id: user.id, email, name: user.name, password_hash: passwordHash, created_at: deps.clock.now() })
      .onConflict((oc) => oc.column('email').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return err(emailTaken(email));
    await deps.events(tx, { type: 'user.registered', user });
    return ok(user);
  });
}
