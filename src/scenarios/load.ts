import { randomUUID } from 'node:crypto';
import { createRandom, type Random } from '../model/random.ts';
import { apiClient, type ApiClient } from './http.ts';

export interface WorkloadOptions {
  /** users registered and funded before the load; default 50 */
  readonly users: number;
  /** fraction of orders the user cannot afford, which must end rejected; default 0.2 */
  readonly insufficient: number;
  /** seeds who orders what: the same sequence in every style */
  readonly seed: number;
}

export interface PlannedOrder {
  readonly user: number;
  /** minor units */
  readonly amount: number;
  readonly affordable: boolean;
}

/** Every user's balance after setup, minor units. No affordable order can exhaust it in a run. */
export const FUNDING = 1_000_000_000;
/** Affordable orders cost 1.00 to 100.00; unaffordable ones more than a user can ever hold. */
const AFFORDABLE = { min: 100, max: 10_000 } as const;

/** The amount of an order a funded user can pay, minor units. */
export const affordableAmount = (rng: Random): number => AFFORDABLE.min + rng.int(AFFORDABLE.max - AFFORDABLE.min + 1);

/** What the load does: which user orders how much, drawn from a seeded generator. */
export function orderPlan(opts: WorkloadOptions): { next(): PlannedOrder } {
  const rng: Random = createRandom(opts.seed);
  return {
    next() {
      const user = rng.int(opts.users);
      const affordable = rng.next() >= opts.insufficient;
      const amount = affordable ? affordableAmount(rng) : FUNDING + 1 + rng.int(FUNDING);
      return { user, amount, affordable };
    },
  };
}

/** One user as setup left it: registered, logged in and funded once. */
export interface PreparedUser {
  readonly id: string;
  /** what the user logs in with, with the bench's one password */
  readonly email: string;
  /** bearer token */
  readonly token: string;
  /** the one deposit setup made, as its 201 acknowledged it */
  readonly funding: { readonly amount: number; readonly idempotencyKey: string };
}

export interface PreparedUsers {
  /** bearer tokens, by user index */
  readonly tokens: readonly string[];
  /** by user index */
  readonly users: readonly PreparedUser[];
}

/** registrations at once during setup: each costs an argon2id hash, and there are two cores */
const SETUP_CONCURRENCY = 4;
/** ms to wait for an account that an event style opens after registration */
const ACCOUNT_TIMEOUT_MS = 30_000;

/** Setup (not measured): registers and funds the users through the public API, one login each. */
export async function prepareUsers(baseUrl: string, count: number): Promise<PreparedUsers> {
  const run = randomUUID().slice(0, 8);
  const users: PreparedUser[] = new Array(count);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) users[i] = await prepareUser(baseUrl, `bench-${run}-${i}@example.com`);
  };
  await Promise.all(Array.from({ length: Math.min(SETUP_CONCURRENCY, count) }, worker));
  return { tokens: users.map((u) => u.token), users };
}

/** ms; setup waits this long in all for a system that sheds its requests (503 with Retry-After) */
const SHED_TIMEOUT_MS = 30_000;

/**
 * A call that comes back later when the system shed it: a 503 with Retry-After was refused before
 * any work was done, so sending it again repeats nothing. Setup is not measured; it only has to finish.
 */
function patientClient(baseUrl: string): Pick<ApiClient, 'call'> {
  const api = apiClient(baseUrl);
  return {
    async call(method, path, opts) {
      const deadline = Date.now() + SHED_TIMEOUT_MS;
      for (;;) {
        const res = await api.call(method, path, opts);
        const retryAfterS = res.retryAfterS;
        if (res.status !== 503 || retryAfterS === undefined || !Number.isFinite(retryAfterS) || Date.now() > deadline) return res;
        // Retry-After is whole seconds; waiting a full one would make setup crawl, so at most 1 s and at least 50 ms.
        await new Promise((r) => setTimeout(r, Math.min(Math.max(retryAfterS, 0.05), 1) * 1000));
      }
    },
  };
}

const PASSWORD = 'bench-password-1';

/**
 * Logs users that setup prepared in again, as they would come back to a system that was restarted
 * on the same data (their tokens may have expired meanwhile). Their funding stays as it was.
 */
export async function logInAgain(baseUrl: string, users: readonly PreparedUser[]): Promise<PreparedUsers> {
  const api = patientClient(baseUrl);
  const again: PreparedUser[] = [];
  for (const user of users) again.push({ ...user, token: await logIn(api, user.email) });
  return { tokens: again.map((u) => u.token), users: again };
}

async function logIn(api: Pick<ApiClient, 'call'>, email: string): Promise<string> {
  const login = await api.call('POST', '/auth/login', { body: { email, password: PASSWORD } });
  if (login.status !== 200) throw new Error(`setup: login for ${email} answered ${login.status}`);
  return login.body.accessToken as string;
}

async function prepareUser(baseUrl: string, email: string): Promise<PreparedUser> {
  const api = patientClient(baseUrl);
  const fail = (what: string, res: { status: number; body: unknown }) => {
    // A problem+json answer says why: which service was unavailable, what was wrong.
    const detail = (res.body as { detail?: unknown } | undefined)?.detail;
    throw new Error(`setup: ${what} for ${email} answered ${res.status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
  };
  const reg = await api.call('POST', '/auth/register', { body: { email, password: PASSWORD, name: 'Bench User' } });
  if (reg.status !== 201) fail('register', reg);
  const token = await logIn(api, email);
  const funding = { amount: FUNDING, idempotencyKey: `fund-${email}` };
  const deadline = Date.now() + ACCOUNT_TIMEOUT_MS;
  for (;;) {
    const deposit = await api.call('POST', '/billing/account/deposits', {
      token,
      body: { amount: funding.amount },
      headers: { 'idempotency-key': funding.idempotencyKey },
    });
    if (deposit.status === 201) return { id: reg.body.id as string, email, token, funding };
    // In the event styles the account opens a moment after registration (404 until then). A 503 without
    // Retry-After is a service the deposit needs that did not answer in time (billing fetching auth's keys
    // to verify the token, on a loaded machine or through slow links): the idempotency key makes sending
    // it again safe, and setup only has to finish.
    if ((deposit.status !== 404 && deposit.status !== 503) || Date.now() > deadline) fail('deposit', deposit);
    // 20 ms for an account about to open; 250 ms for a service that is slow to answer, which more calls would slow down further.
    await new Promise((r) => setTimeout(r, deposit.status === 503 ? 250 : 20));
  }
}
