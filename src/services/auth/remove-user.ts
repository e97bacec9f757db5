import type { AuthDeps } from './user.ts';

/**
 * Undoes a registration whose follow-up failed (the RESTful style opens the billing account
 * synchronously; without the account the user could never pay, nor register again).
 */
export async function removeUser(deps: Pick<AuthDeps, 'db'>, id: string): Promise<void> {
  await deps.db.deleteFrom('users').where('id', '=', id).execute();
}
