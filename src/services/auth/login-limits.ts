import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuthDB } from './schema.ts';

/**
 * How many failed logins a key (an account, a client address) may have before it is refused.
 * OWASP's Authentication Cheat Sheet: lock out by account and by source, for a growing time,
 * so a guesser gets a handful of tries per quarter hour while the user only waits a minute.
 */
export interface LoginLimitPolicy {
  /** failed attempts per key in one window before further attempts are refused; default 5 */
  readonly maxFailures: number;
  /** ms; the window failures are counted in; default 60_000 */
  readonly windowMs: number;
  /** ms; the first block; each block in a row lasts twice the one before; default 60_000 */
  readonly blockMs: number;
  /** ms; the longest block, and the quiet time after which blocks start again from the first; default 900_000 */
  readonly maxBlockMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimitPolicy = { maxFailures: 5, windowMs: 60_000, blockMs: 60_000, maxBlockMs: 900_000 };

/** The keys one attempt counts against: the account always, the client's address when known. */
export function loginKeys(email: string, address: string | undefined): string[] {
  return address ? [`account:${email}`, `address:${address}`] : [`account:${email}`];
}

/**
 * An attempt admitted, or refused for `retryAfterMs`. `addressBlockedMs` is set when the client's
 * address itself is blocked (every attempt from it is refused, whatever the account), for that long.
 */
export type Admission = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number; readonly addressBlockedMs?: number };

/** The ms `key` stays blocked by `until`, when it is an address key still blocked at `now`. */
const addressBlock = (key: string, until: number, now: number): number | undefined => (key.startsWith('address:') && until > now ? until - now : undefined);

/**
 * ms; the wait asked of an attempt refused because `maxFailures` attempts of its key are still
 * being checked: they end within tens of milliseconds, and Retry-After counts whole seconds.
 */
const BUSY_RETRY_MS = 1_000;

/**
 * Counts an attempt against every key before its password is checked. The database decides, in
 * one upsert per attempt, so replicas of auth racing on one store each see what the other left:
 * an attempt is admitted only while the key's failures plus the attempts still being checked are
 * under `maxFailures`, so no more than that many reach the password hash per key and window, however
 * many come at once. A key with `maxFailures` failures is blocked; one with attempts still being
 * checked asks for a retry in a second, without a block, so users logging in at once from one
 * address are delayed, not locked out. A refused attempt is given back to the keys that admitted
 * it, so a blocked address does not use up the accounts it tries.
 */
export async function admitLoginAttempt(db: Kysely<AuthDB>, policy: LoginLimitPolicy, keys: readonly string[], now: number): Promise<Admission> {
  const known = blocksOf(db);
  const blockedUntil = Math.max(0, ...keys.map((key) => known.get(key) ?? 0));
  if (blockedUntil > now) return refusal(blockedUntil - now, keys.map((key) => addressBlock(key, known.get(key) ?? 0, now)));
  const token = randomUUID();
  const rows = await db
    .insertInto('login_limits')
    .values(keys.map((key) => ({ key, window_start: now, failures: 0, pending: 1, blocked_until: 0, blocks: 0, admitted: token })))
    .onConflict((oc) => oc.column('key').doUpdateSet(countAttempt(policy, now, token)))
    .returning(['key', 'blocked_until', 'admitted'])
    .execute();
  const admitted = rows.filter((r) => r.admitted === token).map((r) => r.key);
  if (admitted.length === rows.length) return { ok: true };
  await settleAttempt(db, admitted, 'refused');
  for (const r of rows) if (Number(r.blocked_until) > now) known.set(r.key, Number(r.blocked_until), { ttl: Number(r.blocked_until) - now });
  const blockedMs = Math.max(0, ...rows.map((r) => Number(r.blocked_until) - now));
  return refusal(blockedMs > 0 ? blockedMs : BUSY_RETRY_MS, rows.map((r) => addressBlock(r.key, Number(r.blocked_until), now)));
}

function refusal(retryAfterMs: number, addressBlocks: readonly (number | undefined)[]): Admission {
  const addressBlockedMs = addressBlocks.find((ms) => ms !== undefined);
  return { ok: false, retryAfterMs, ...(addressBlockedMs === undefined ? {} : { addressBlockedMs }) };
}

/**
 * keys this process saw blocked, to the end of their block (ms, the clock of the attempts), per
 * database. A block only ends by its time (a blocked key never reaches the password, so no success
 * lifts it), so a process may refuse a key it knows blocked without asking the store: under a flood
 * of refused attempts that saves two writes each, which would otherwise queue the other requests
 * behind them. Bounded, since every address an attacker uses may end up here.
 */
const blocks = new WeakMap<object, LRUCache<string, number>>();
/** keys remembered as blocked per process: the attempts beyond it go to the store, as before */
const MAX_KNOWN_BLOCKS = 10_000;

function blocksOf(db: object): LRUCache<string, number> {
  let known = blocks.get(db);
  if (!known) blocks.set(db, (known = new LRUCache<string, number>({ max: MAX_KNOWN_BLOCKS })));
  return known;
}

/** when each database was last pruned (ms, the clock of the attempts), so a process prunes once a window */
const lastPruned = new WeakMap<object, number>();

/**
 * Deletes the rows of keys that have nothing left to say: their window is over and their last block
 * ended more than `maxBlockMs` ago, so their next attempt would start from nothing anyway. Every
 * address and email an attacker tries leaves a row; without this the table grows with the attack.
 * At most once per window per process: a delete over a small table is cheap, but not per attempt.
 */
export async function pruneLoginLimits(db: Kysely<AuthDB>, policy: LoginLimitPolicy, now: number): Promise<void> {
  if (now - (lastPruned.get(db) ?? Number.NEGATIVE_INFINITY) < policy.windowMs) return;
  lastPruned.set(db, now);
  await db
    .deleteFrom('login_limits')
    .where('window_start', '<=', sql<number>`cast(${Math.round(now - policy.windowMs)} as bigint)`)
    .where('blocked_until', '<=', sql<number>`cast(${Math.round(now - policy.maxBlockMs)} as bigint)`)
    .execute();
}

/** A wrong password (or an unknown email): a failure on every key. */
export const loginFailed = (db: Kysely<AuthDB>, keys: readonly string[]): Promise<void> => settleAttempt(db, keys, 'failed');

/**
 * A correct password: the account's count starts over (its row goes), and the address only sees
 * its attempt end, so users logging in from one address never block it.
 */
export async function loginSucceeded(db: Kysely<AuthDB>, keys: readonly string[]): Promise<void> {
  const [account, ...others] = keys;
  if (account) await db.deleteFrom('login_limits').where('key', '=', account).execute();
  await settleAttempt(db, others, 'refused');
}

/** Ends an admitted attempt on each key: no longer pending (never below zero), and a failure when it failed. */
async function settleAttempt(db: Kysely<AuthDB>, keys: readonly string[], outcome: 'failed' | 'refused'): Promise<void> {
  if (keys.length === 0) return;
  await db
    .updateTable('login_limits')
    .set((eb) => ({
      pending: sql<number>`case when ${eb.ref('pending')} > 0 then ${eb.ref('pending')} - 1 else 0 end`,
      ...(outcome === 'failed' ? { failures: eb('failures', '+', 1) } : {}),
    }))
    .where('key', 'in', keys)
    .execute();
}

/**
 * The SET of the upsert, read against the row as it was (SQLite and PostgreSQL both evaluate every
 * SET expression on the old row). Times are computed here and cast, so PostgreSQL types the
 * parameters as bigint rather than guessing from a CASE. A window that ended forgets its failures
 * and its pending attempts (one whose process died never settles), unless the key is blocked.
 */
function countAttempt(policy: LoginLimitPolicy, now: number, token: string) {
  const old = (column: string) => sql.ref(`login_limits.${column}`);
  const big = (ms: number): RawBuilder<number> => sql<number>`cast(${Math.round(ms)} as bigint)`;
  const max = sql.lit(policy.maxFailures);
  const blocked = sql`${old('blocked_until')} > ${big(now)}`;
  const fresh = sql`not (${blocked}) and ${old('window_start')} <= ${big(now - policy.windowMs)}`;
  const stale = sql`not (${blocked}) and not (${fresh})`;
  const trips = sql`${stale} and ${old('failures')} >= ${max}`;
  const admits = sql`${fresh} or (${stale} and ${old('failures')} + ${old('pending')} < ${max})`;
  const forgiven = sql`${old('blocked_until')} <= ${big(now - policy.maxBlockMs)}`;
  return {
    window_start: sql<number>`case when ${fresh} then ${big(now)} else ${old('window_start')} end`,
    failures: sql<number>`case when ${fresh} then 0 else ${old('failures')} end`,
    pending: sql<number>`case when ${fresh} then 1 when ${admits} then ${old('pending')} + 1 else ${old('pending')} end`,
    blocked_until: sql<number>`case when ${trips} then ${blockUntil(policy, now, old('blocks'))} else ${old('blocked_until')} end`,
    blocks: sql<number>`case when ${trips} then ${old('blocks')} + 1 when ${fresh} and ${forgiven} then 0 else ${old('blocks')} end`,
    admitted: sql<string>`case when ${admits} then cast(${token} as text) else ${old('admitted')} end`,
  };
}

/** `now` plus the block that follows `blocks` blocks in a row: blockMs, doubling, capped at maxBlockMs. */
function blockUntil(policy: LoginLimitPolicy, now: number, blocks: RawBuilder<unknown>): RawBuilder<number> {
  const steps: number[] = [];
  for (let ms = policy.blockMs; ms < policy.maxBlockMs && steps.length < 32; ms *= 2) steps.push(ms);
  const big = (ms: number) => sql`cast(${Math.round(now + ms)} as bigint)`;
  if (steps.length === 0) return sql<number>`${big(policy.maxBlockMs)}`;
  const whens = steps.map((ms, i) => sql`when ${blocks} = ${sql.lit(i)} then ${big(ms)}`);
  return sql<number>`case ${sql.join(whens, sql` `)} else ${big(policy.maxBlockMs)} end`;
}
