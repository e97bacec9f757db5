import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { verifyBearer, type TokenPolicy } from '../../platform/http/tokens.ts';
import { aDatabase, aRegistration, authDeps, fixedClock, type TestDatabase } from '../../../test/support/builders.ts';
import {
  ACCESS_TOKEN_TTL_S,
  SERVICE_AUDIENCE,
  TOKEN_ALG,
  TOKEN_ISSUER,
  USER_AUDIENCE,
  argon2idHasher,
  authMigrations,
  generateSigningKeys,
  login,
  register,
  tokenIssuer,
  type AuthDB,
  type AuthDeps,
  type SigningKeys,
  type User,
} from './index.ts';
import { STORES } from '../../../test/support/stores.ts';

describe.each(STORES)('login · %s', (kind) => {
  let store: TestDatabase<AuthDB>;
  let keys: SigningKeys;
  let deps: AuthDeps;
  let user: User;
  const registration = aRegistration({ email: 'ada@example.com', password: 'correct-horse-battery' });
  const policy = (audience: string): TokenPolicy => ({ key: keys.publicKey, issuer: TOKEN_ISSUER, audience, algorithm: TOKEN_ALG });

  beforeAll(async () => {
    store = await aDatabase<AuthDB>(authMigrations, kind);
    keys = await generateSigningKeys('test-key');
    // Tokens are checked against the real time, so the fixed clock starts now.
    const clock = fixedClock(Date.now());
    deps = authDeps(store.db, { clock, hasher: argon2idHasher, tokens: tokenIssuer(keys, clock.now) });
    const registered = await register(deps, registration);
    if (!registered.ok) throw registered.error;
    user = registered.value;
  });
  afterAll(() => store.dispose());

  it('login - issues a bearer token whose iss, aud, sub and exp verify with the public key', async () => {
    const result = await login(deps, { email: registration.email, password: registration.password });

    expect(result).toMatchObject({ ok: true, value: { tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_TTL_S } });
    const token = result.ok ? result.value.accessToken : '';
    expect(await verifyBearer(policy(USER_AUDIENCE), `Bearer ${token}`)).toEqual({ ok: true, subject: user.id });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ iss: TOKEN_ISSUER, aud: USER_AUDIENCE, sub: user.id });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(ACCESS_TOKEN_TTL_S);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'EdDSA', kid: 'test-key' });
  });

  it('login - a user token does not verify for the internal audience', async () => {
    const result = await login(deps, { email: registration.email, password: registration.password });

    const token = result.ok ? result.value.accessToken : '';
    expect(await verifyBearer(policy(SERVICE_AUDIENCE), `Bearer ${token}`)).toMatchObject({ ok: false });
  });

  it('login - accepts the email in any case and with surrounding spaces', async () => {
    const result = await login(deps, { email: '  ADA@Example.com ', password: registration.password });

    expect(result.ok).toBe(true);
  });

  it('login - refuses a wrong password with AUTH.INVALID_CREDENTIALS', async () => {
    const result = await login(deps, { email: registration.email, password: 'wrong-horse-battery' });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('AUTH.INVALID_CREDENTIALS');
  });

  it('login - refuses an unknown email with the same AUTH.INVALID_CREDENTIALS', async () => {
    const result = await login(deps, { email: 'nobody@example.com', password: registration.password });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('AUTH.INVALID_CREDENTIALS');
  });
});
