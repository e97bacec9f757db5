import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aDatabase, aRegistration, authDeps, cheapHasher, fixedClock, type FixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import { STORES } from '../../../test/support/stores.ts';
import { DEFAULT_LOGIN_LIMITS, TooManyAttempts, authMigrations, login, register, type AuthDB, type AuthDeps, type PasswordHasher } from './index.ts';

/** A hasher that counts how often a password was checked: the argon2 runs a limit must spare. */
function countingHasher(): PasswordHasher & { readonly verified: () => number } {
  let verified = 0;
  return {
    hash: cheapHasher.hash,
    verify: (hashed, password) => {
      verified += 1;
      return cheapHasher.verify(hashed, password);
    },
    verified: () => verified,
  };
}

const tokens = { issueUserToken: async (sub: string) => ({ accessToken: `token-of-${sub}`, expiresIn: 900 }) };

describe.each(STORES)('login limits · %s', (kind) => {
  let store: TestDatabase<AuthDB>;
  let clock: FixedClock;
  let hasher: ReturnType<typeof countingHasher>;
  let deps: AuthDeps;
  const password = 'correct-horse-battery';

  beforeEach(async () => {
    store = await aDatabase<AuthDB>(authMigrations, kind);
    clock = fixedClock();
    hasher = countingHasher();
    deps = authDeps(store.db, { clock, hasher, tokens, loginLimits: DEFAULT_LOGIN_LIMITS });
  });
  afterEach(() => store.dispose());

  const aUser = async (): Promise<string> => {
    const registration = aRegistration({ password });
    const result = await register(deps, registration);
    if (!result.ok) throw result.error;
    return registration.email;
  };
  const attempt = (email: string, address = '203.0.113.1', pass = 'wrong-password') => login(deps, { email, password: pass }, { address });
  const codeOf = (r: Awaited<ReturnType<typeof login>>) => (r.ok ? 'ok' : r.error.code);
  const retryAfterOf = (r: Awaited<ReturnType<typeof login>>) => (!r.ok && r.error instanceof TooManyAttempts ? r.error.retryAfterS : undefined);

  it('login - refuses the 6th attempt on an account after 5 failures in a minute, with a Retry-After of 60 s, from any address', async () => {
    const email = await aUser();
    for (let i = 0; i < 5; i++) expect(codeOf(await attempt(email, `198.51.100.${i}`))).toBe('AUTH.INVALID_CREDENTIALS');

    const sixth = await attempt(email, '198.51.100.99', password);

    expect(codeOf(sixth)).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect(retryAfterOf(sixth)).toBe(60);
  });

  it('login - refuses an address after 5 failures across different accounts, and leaves other addresses alone', async () => {
    const emails = await Promise.all(Array.from({ length: 7 }, aUser));
    for (let i = 0; i < 5; i++) expect(codeOf(await attempt(emails[i]!, '203.0.113.7'))).toBe('AUTH.INVALID_CREDENTIALS');

    const sixth = await attempt(emails[5]!, '203.0.113.7');
    const elsewhere = await attempt(emails[6]!, '203.0.113.8', password);

    expect(codeOf(sixth)).toBe('AUTH.TOO_MANY_ATTEMPTS');
    expect(retryAfterOf(sixth)).toBe(60);
    expect(codeOf(elsewhere)).toBe('ok');
  });

  it('login - a refusal says how long the address itself stays blocked when it is, and says nothing of an account blocked from elsewhere', async () => {
    const emails = await Promise.all(Array.from({ length: 6 }, aUser));
    for (let i = 0; i < 5; i++) await attempt(emails[i]!, '203.0.113.9');
    for (let i = 0; i < 5; i++) await attempt(emails[5]!, `198.51.100.${20 + i}`);
    const addressBlockOf = (r: Awaited<ReturnType<typeof login>>) => (!r.ok && r.error instanceof TooManyAttempts ? r.error.addressBlockedMs : 'admitted');

    const fromBlockedAddress = await attempt(emails[5]!, '203.0.113.9');
    clock.advance(10_000);
    const later = await attempt(emails[0]!, '203.0.113.9');
    const onBlockedAccount = await attempt(emails[5]!, '198.51.100.40');

    expect(addressBlockOf(fromBlockedAddress)).toBe(60_000);
    expect(addressBlockOf(later)).toBe(50_000);
    expect(addressBlockOf(onBlockedAccount)).toBeUndefined();
  });

  it('login - a refused attempt checks no password: argon2 runs 5 times for 50 bad attempts, also when they come at once', async () => {
    const email = await aUser();
    const before = hasher.verified();

    const answers = await Promise.all(Array.from({ length: 50 }, () => attempt(email)));

    expect(hasher.verified() - before).toBe(5);
    expect(answers.filter((a) => codeOf(a) === 'AUTH.INVALID_CREDENTIALS')).toHaveLength(5);
    expect(answers.filter((a) => codeOf(a) === 'AUTH.TOO_MANY_ATTEMPTS')).toHaveLength(45);
  });

  it('login - each block in a row lasts twice the one before, up to 15 minutes', async () => {
    const email = await aUser();
    const blocks: (number | undefined)[] = [];
    for (let round = 0; round < 7; round++) {
      for (let i = 0; i < 5; i++) expect(codeOf(await attempt(email))).toBe('AUTH.INVALID_CREDENTIALS');
      const refused = await attempt(email);
      blocks.push(retryAfterOf(refused));
      clock.advance((retryAfterOf(refused) ?? 0) * 1000);
    }

    expect(blocks).toEqual([60, 120, 240, 480, 900, 900, 900]);
  });

  it('login - while blocked, Retry-After counts down to the end of the block and the block does not grow', async () => {
    const email = await aUser();
    for (let i = 0; i < 6; i++) await attempt(email);

    clock.advance(45_000);
    const later = await attempt(email);

    expect(retryAfterOf(later)).toBe(15);
  });

  it('login - a success resets the account: 4 failures, a success, then 5 more failures before a refusal', async () => {
    const email = await aUser();
    for (let i = 0; i < 4; i++) await attempt(email);

    expect(codeOf(await attempt(email, undefined, password))).toBe('ok');

    const after = [];
    for (let i = 0; i < 6; i++) after.push(codeOf(await attempt(email, `198.51.100.${i}`)));
    expect(after).toEqual([...Array(5).fill('AUTH.INVALID_CREDENTIALS'), 'AUTH.TOO_MANY_ATTEMPTS']);
  });

  it('login - successful logins from one address never count against it', async () => {
    const emails = await Promise.all(Array.from({ length: 12 }, aUser));
    for (const email of emails) expect(codeOf(await attempt(email, '192.0.2.10', password))).toBe('ok');

    for (let i = 0; i < 5; i++) expect(codeOf(await attempt(emails[i]!, '192.0.2.10'))).toBe('AUTH.INVALID_CREDENTIALS');
  });

  it('login - more than 5 attempts at once from one address: the rest are asked to retry in 1 s, and nothing is blocked', async () => {
    const emails = await Promise.all(Array.from({ length: 8 }, aUser));

    const answers = await Promise.all(emails.map((email) => attempt(email, '192.0.2.20', password)));
    const refused = emails.filter((_, i) => codeOf(answers[i]!) !== 'ok');
    const again = await Promise.all(refused.map((email) => attempt(email, '192.0.2.20', password)));

    expect(answers.map(codeOf).sort()).toEqual([...Array(3).fill('AUTH.TOO_MANY_ATTEMPTS'), ...Array(5).fill('ok')]);
    expect(answers.filter((a) => !a.ok).map(retryAfterOf)).toEqual([1, 1, 1]);
    expect(again.map(codeOf)).toEqual(['ok', 'ok', 'ok']);
  });

  it('login - failures older than the window are forgotten', async () => {
    const email = await aUser();
    for (let i = 0; i < 4; i++) await attempt(email);

    clock.advance(60_000);

    for (let i = 0; i < 5; i++) expect(codeOf(await attempt(email))).toBe('AUTH.INVALID_CREDENTIALS');
  });

  it('login - the rows of keys quiet for longer than the longest block are deleted, so an attack does not grow the table for good', async () => {
    const email = await aUser();
    for (let i = 0; i < 6; i++) await attempt(email, `198.51.100.${i}`);
    const rows = () => store.db.selectFrom('login_limits').select('key').orderBy('key').execute();
    expect(await rows()).toHaveLength(7);

    clock.advance(60_000 + 900_000);
    await attempt(email, '198.51.100.200', password);

    expect(await rows()).toEqual([{ key: 'address:198.51.100.200' }]);
  });

  it('login - without a policy nothing is limited (a lab with --limits off)', async () => {
    const unlimited = authDeps(store.db, { clock, hasher, tokens });
    const email = await aUser();

    const answers = await Promise.all(Array.from({ length: 20 }, () => login(unlimited, { email, password: 'wrong-password' }, { address: '203.0.113.1' })));

    expect(answers.map(codeOf)).toEqual(Array(20).fill('AUTH.INVALID_CREDENTIALS'));
  });
});
