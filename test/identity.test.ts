import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSystem } from '../src/runtime/system.ts';
import { aRegistration, cheapHasher } from './support/builders.ts';
import { call } from './support/system.ts';

/** A token outlives a restart of the system that issued it, when the system keeps its data. */
describe('identity across restarts (inproc)', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('a token issued before `up --data DIR` stops still works after it starts again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'interplay-identity-'));
    dirs.push(dataDir);
    const registration = aRegistration({ email: `user-${randomUUID()}@example.com` });

    const first = await startSystem({ style: 'rest', dataDir, hasher: cheapHasher, logLevel: 'fatal' });
    await call(first.url, 'POST', '/auth/register', { json: registration });
    const login = await call(first.url, 'POST', '/auth/login', { json: { email: registration.email, password: registration.password } });
    const token = login.body.accessToken as string;
    await first.stop();

    const second = await startSystem({ style: 'rest', dataDir, hasher: cheapHasher, logLevel: 'fatal' });
    try {
      expect((await call(second.url, 'GET', '/auth/me', { token })).status).toBe(200);
      expect((await call(second.url, 'GET', '/billing/account', { token })).body).toMatchObject({ balance: 0 });
      expect((await stat(join(dataDir, 'auth', 'signing-key.jwk'))).mode & 0o777).toBe(0o600);
    } finally {
      await second.stop();
    }
  });
});
