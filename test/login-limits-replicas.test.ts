import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/platform/db.ts';
import { register, type AuthDB } from '../src/services/auth/index.ts';
import { uuidV7 } from '../src/services/kernel/index.ts';
import { aRegistration, authDeps } from './support/builders.ts';
import { aReplica, atOnce, type Replica } from './support/workers.ts';

/**
 * Two replicas of auth (worker threads, each composing the service on its own connection to one
 * database) share the login limits, because the limits live in auth's store.
 */
const REPLICA = new URL('./support/auth-replica.ts', import.meta.url);
type Answer = { status: number; retryAfter?: string };

describe('login limits across two auth replicas on one store', () => {
  let dir: string;
  let replicas: [Replica, Replica];
  let db: Kysely<AuthDB>;
  const password = 'correct-horse-battery';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'interplay-login-replicas-'));
    const data = { dataDir: join(dir, 'auth'), serviceSecret: 'a-service-secret-of-at-least-32-characters' };
    // One first, so it migrates the fresh file and writes the signing key; the other finds both.
    const first = await aReplica(REPLICA, data);
    replicas = [first, await aReplica(REPLICA, data)];
    db = openSqlite<AuthDB>(join(dir, 'auth', 'auth.sqlite'));
  });
  afterAll(async () => {
    for (const r of replicas ?? []) await r.close();
    await db?.destroy();
    await rm(dir, { recursive: true, force: true });
  });

  const aUser = async (): Promise<string> => {
    const registration = aRegistration({ password });
    const result = await register(authDeps(db, { ids: uuidV7 }), registration);
    if (!result.ok) throw result.error;
    return registration.email;
  };
  const login = (replica: Replica, email: string, pass: string, address: string) => replica.call<Answer>('login', { email, password: pass, address });
  const verified = async () => (await Promise.all(replicas.map((r) => r.call<number>('verified')))).reduce((a, b) => a + b, 0);

  it('5 failures spread over both replicas: the next attempt answers 429 with Retry-After 60 on either', async () => {
    const email = await aUser();
    for (let i = 0; i < 5; i++) expect((await login(replicas[i % 2]!, email, 'wrong-password', `198.51.100.${i}`)).status).toBe(401);

    const onFirst = await login(replicas[0], email, password, '198.51.100.50');
    const onSecond = await login(replicas[1], email, password, '198.51.100.51');

    expect(onFirst).toEqual({ status: 429, retryAfter: '60' });
    expect(onSecond).toEqual({ status: 429, retryAfter: '60' });
  });

  it('an address failing on one replica is refused on the other', async () => {
    const emails = await Promise.all(Array.from({ length: 6 }, aUser));
    for (let i = 0; i < 5; i++) await login(replicas[0], emails[i]!, 'wrong-password', '203.0.113.40');

    const other = await login(replicas[1], emails[5]!, password, '203.0.113.40');

    expect(other).toEqual({ status: 429, retryAfter: '60' });
  });

  it('a success on one replica resets the account for the other', async () => {
    const email = await aUser();
    for (let i = 0; i < 4; i++) await login(replicas[0], email, 'wrong-password', `192.0.2.${i}`);

    expect((await login(replicas[1], email, password, '192.0.2.60')).status).toBe(200);

    const after = [];
    for (let i = 0; i < 6; i++) after.push((await login(replicas[0], email, 'wrong-password', `192.0.2.${70 + i}`)).status);
    expect(after).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('bad attempts racing on both replicas at the same instant run the password hash 5 times in all', async () => {
    const email = await aUser();
    const before = await verified();

    const answers = (
      await atOnce<Answer[]>(replicas.map((replica, i) => ({ replica, op: 'burst', arg: { email, password: 'wrong-password', address: `203.0.113.${50 + i}`, count: 10 } })))
    ).flat();

    expect((await verified()) - before).toBe(5);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(15);
  });
});
