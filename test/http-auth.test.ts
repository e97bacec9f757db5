import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aRegistration } from './support/builders.ts';
import { expectProblem, startRestSystem, type TestSystem } from './support/system.ts';

describe('HTTP auth', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  const unique = (local: string) => `${local}-${randomUUID().slice(0, 8)}@Example.COM`;

  it('POST /auth/register - answers 201 with the user, the email normalized, and opens a billing account with balance 0', async () => {
    const registration = aRegistration({ email: unique('Ada') });

    const res = await ts.call('POST', '/auth/register', { json: registration });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(String), email: registration.email.toLowerCase(), name: registration.name });
    const login = await ts.call('POST', '/auth/login', { json: { email: registration.email, password: registration.password } });
    const account = await ts.call('GET', '/billing/account', { token: login.body.accessToken });
    expect(account.status).toBe(200);
    expect(account.body).toEqual({ userId: res.body.id, balance: 0, currency: 'RUB' });
  });

  it('POST /auth/register - answers 409 email-taken to an email registered before in another case', async () => {
    const email = unique('grace');
    await ts.call('POST', '/auth/register', { json: aRegistration({ email }) });

    const res = await ts.call('POST', '/auth/register', { json: aRegistration({ email: email.toUpperCase() }) });

    expectProblem(res, 409, 'email-taken');
  });

  it('POST /auth/login - answers 200 with a Bearer access token valid for 900 s, whatever the email case', async () => {
    const registration = aRegistration({ email: unique('linus') });
    await ts.call('POST', '/auth/register', { json: registration });

    const res = await ts.call('POST', '/auth/login', { json: { email: registration.email.toUpperCase(), password: registration.password } });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accessToken: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), tokenType: 'Bearer', expiresIn: 900 });
  });

  it('POST /auth/login - answers 401 invalid-credentials, alike for a wrong password and an unknown email', async () => {
    const user = await ts.aUser();

    const wrongPassword = await ts.call('POST', '/auth/login', { json: { email: user.email, password: 'not-the-password' } });
    const unknownEmail = await ts.call('POST', '/auth/login', { json: { email: unique('nobody'), password: user.password } });

    expectProblem(wrongPassword, 401, 'invalid-credentials');
    expectProblem(unknownEmail, 401, 'invalid-credentials');
    expect(unknownEmail.body.detail).toBe(wrongPassword.body.detail);
  });

  it('GET /auth/me - answers the user the token belongs to', async () => {
    const user = await ts.aUser();

    const res = await ts.call('GET', '/auth/me', { token: user.token });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: user.id, email: user.email, name: user.name });
  });

  it('GET /auth/.well-known/jwks.json - publishes the public signing key only', async () => {
    const res = await ts.call('GET', '/auth/.well-known/jwks.json');

    expect(res.status).toBe(200);
    expect(res.body.keys).toEqual([expect.objectContaining({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) })]);
    expect(res.body.keys[0]).not.toHaveProperty('d');
  });

  it('passwords never appear in any response: register, duplicate, login, bad login, me, refused input', async () => {
    const registration = aRegistration({ email: unique('secret'), password: 'swordfish-and-chips-42' });
    const tooLong = 'swordfish-'.repeat(13);
    const texts: string[] = [];
    const send = async (method: string, path: string, opts: Parameters<TestSystem['call']>[2] = {}) => {
      const res = await ts.call(method, path, opts);
      texts.push(res.text);
      return res;
    };

    await send('POST', '/auth/register', { json: registration });
    await send('POST', '/auth/register', { json: registration });
    await send('POST', '/auth/register', { json: { ...registration, email: unique('long'), password: tooLong } });
    await send('POST', '/auth/register', { json: { ...registration, email: 'not-an-email' } });
    await send('POST', '/auth/register', { json: { ...registration, extra: registration.password } });
    const login = await send('POST', '/auth/login', { json: { email: registration.email, password: registration.password } });
    await send('POST', '/auth/login', { json: { email: registration.email, password: `${registration.password}!` } });
    await send('GET', '/auth/me', { token: login.body.accessToken });

    expect(texts).toHaveLength(8);
    for (const text of texts) {
      expect(text).not.toContain(registration.password);
      expect(text).not.toContain(tooLong);
      expect(text).not.toMatch(/password_?hash|\$argon2|test-sha256/i);
    }
  });
});
