import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verify } from '@node-rs/argon2';
import { aDatabase, aRegistration, authDeps, failingSink, recordingSink, type RecordingSink, type TestDatabase } from '../../../test/support/builders.ts';
import { argon2idHasher, authMigrations, register, type AuthDB, type AuthEvent } from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('register · %s', (kind) => {
  let store: TestDatabase<AuthDB>;
  let events: RecordingSink<AuthDB, AuthEvent>;
  const deps = () => authDeps(store.db, { hasher: argon2idHasher, events });
  const storedUsers = () => store.db.selectFrom('users').selectAll().execute();

  beforeEach(async () => {
    store = await aDatabase<AuthDB>(authMigrations, kind);
    events = recordingSink();
  });
  afterEach(() => store.dispose());

  it('register - stores an argon2id hash of the password, never the password itself', async () => {
    const input = aRegistration({ password: 'correct-horse-battery' });

    const result = await register(deps(), input);

    expect(result.ok).toBe(true);
    const [row] = await storedUsers();
    expect(row?.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.password_hash).not.toContain(input.password);
    expect(await verify(row?.password_hash ?? '', input.password)).toBe(true);
    expect(JSON.stringify(result)).not.toContain(input.password);
  });

  it('register - stores the email trimmed and lower-cased, and the name trimmed', async () => {
    const result = await register(deps(), aRegistration({ email: '  Ada.Lovelace@Example.COM ', name: '  Ada  ' }));

    expect(result).toMatchObject({ ok: true, value: { email: 'ada.lovelace@example.com', name: 'Ada' } });
    const [row] = await storedUsers();
    expect(row).toMatchObject({ email: 'ada.lovelace@example.com', name: 'Ada' });
  });

  it('register - refuses an email already registered in another case with AUTH.EMAIL_TAKEN and stores nothing new', async () => {
    await register(deps(), aRegistration({ email: 'grace@example.com' }));

    const again = await register(deps(), aRegistration({ email: 'GRACE@Example.com' }));

    expect(again.ok).toBe(false);
    expect(!again.ok && again.error.code).toBe('AUTH.EMAIL_TAKEN');
    expect(await storedUsers()).toHaveLength(1);
    expect(events.recorded).toHaveLength(1);
  });

  it('register - emits user.registered once, inside the transaction that stores the user', async () => {
    const result = await register(deps(), aRegistration({ email: 'linus@example.com' }));

    expect(result.ok).toBe(true);
    expect(events.recorded).toEqual([
      { event: { type: 'user.registered', user: result.ok ? result.value : undefined }, inTransaction: true },
    ]);
  });

  it('register - stores no user when recording the event fails', async () => {
    await expect(register(authDeps(store.db, { events: failingSink }), aRegistration())).rejects.toThrow('outbox write failed');

    expect(await storedUsers()).toEqual([]);
  });
});
