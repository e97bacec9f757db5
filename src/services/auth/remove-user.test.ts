import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, aRegistration, authDeps, type TestDatabase } from '../../../test/support/builders.ts';
import { authMigrations, getUser, register, removeUser, type AuthDB } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('removeUser · %s', (kind) => {
  let store: TestDatabase<AuthDB>;
  beforeEach(async () => {
    store = await aDatabase<AuthDB>(authMigrations, kind);
  });
  afterEach(() => store.dispose());

  it('removeUser - undoes a registration, so the user is gone and the email can register again', async () => {
    const deps = authDeps(store.db);
    const registration = aRegistration();
    const first = await register(deps, registration);
    if (!first.ok) throw first.error;

    await removeUser(deps, first.value.id);

    const lookup = await getUser(deps, first.value.id);
    expect(!lookup.ok && lookup.error.code).toBe('AUTH.USER_NOT_FOUND');
    expect((await register(deps, registration)).ok).toBe(true);
  });

  it('removeUser - leaves other users alone and does nothing for an unknown id', async () => {
    const deps = authDeps(store.db);
    const kept = await register(deps, aRegistration());
    if (!kept.ok) throw kept.error;

    await removeUser(deps, 'no-such-user');

    expect(await getUser(deps, kept.value.id)).toEqual({ ok: true, value: kept.value });
  });
});
