import { DEFAULT_LOGIN_LIMITS, type LoginLimitPolicy } from '../services/auth/index.ts';
import type { RequestLimit } from '../platform/http/request-limits.ts';
import type { RequestLimits } from '../transports/http/route-limits.ts';
import { LIMITS_ENV } from './limits-env.ts';

/** Every limit of one service process; an absent one is off. */
export interface Limits extends RequestLimits {
  /** auth: failed logins per account and per client address, counted in auth's store */
  readonly login?: LoginLimitPolicy;
}

/**
 * On by default, at levels a benchmark never reaches (docs/limits.md says why each):
 * - logins: OWASP's few tries per account, also per address, since one client spraying many
 *   accounts is the other half of guessing; a benchmark logs in once per user, never failing;
 * - registrations: 3000 a minute from one address, three times what argon2id lets this 2-core
 *   machine register (about 40 hashes/s, two per user with the login); a deployment facing
 *   the internet sets it far lower;
 * - orders per address: 2000/s, above any rate one load generator holds here (a few hundred/s), so
 *   only a flood from one address meets it;
 * - orders per user: 100/s, four times what a benchmark sends per user at its highest rates (20
 *   users at 500/s), and a tenth of what one user's flood would take of the system.
 */
export const DEFAULT_LIMITS: Limits = {
  login: DEFAULT_LOGIN_LIMITS,
  registerPerAddress: { max: 3_000, windowMs: 60_000 },
  ordersPerAddress: { max: 20_000, windowMs: 10_000 },
  ordersPerUser: { max: 1_000, windowMs: 10_000 },
};

/** `--limits off`, `INTERPLAY_LIMITS=off` */
export const NO_LIMITS: Limits = {};

type Env = Readonly<Record<string, string | undefined>>;
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The limits the environment asks for: the defaults, each replaced by its variable when set. */
export function limitsFromEnv(env: Env = process.env): Parsed<Limits> {
  const all = env[LIMITS_ENV.all];
  if (all !== undefined && all !== '' && all !== 'on' && all !== 'off') return fail(LIMITS_ENV.all, 'on or off', all);
  if (all === 'off') return { ok: true, value: NO_LIMITS };
  const limit = (name: string, fallback: RequestLimit | undefined) => readLimit(env, name, fallback);
  const login = limit(LIMITS_ENV.login, { max: DEFAULT_LOGIN_LIMITS.maxFailures, windowMs: DEFAULT_LOGIN_LIMITS.windowMs });
  const maxBlock = readDuration(env, LIMITS_ENV.loginMaxBlock, DEFAULT_LOGIN_LIMITS.maxBlockMs);
  const register = limit(LIMITS_ENV.registerPerAddress, DEFAULT_LIMITS.registerPerAddress);
  const ordersPerAddress = limit(LIMITS_ENV.ordersPerAddress, DEFAULT_LIMITS.ordersPerAddress);
  const ordersPerUser = limit(LIMITS_ENV.ordersPerUser, DEFAULT_LIMITS.ordersPerUser);
  for (const parsed of [login, maxBlock, register, ordersPerAddress, ordersPerUser]) if (!parsed.ok) return parsed;
  const value = (p: Parsed<RequestLimit | undefined>) => (p.ok ? p.value : undefined);
  const loginLimit = value(login);
  const maxBlockMs = maxBlock.ok ? maxBlock.value : DEFAULT_LOGIN_LIMITS.maxBlockMs;
  return {
    ok: true,
    value: {
      // The first block lasts one window, so a block never ends before the failures that caused it are forgotten.
      ...(loginLimit
        ? { login: { maxFailures: loginLimit.max, windowMs: loginLimit.windowMs, blockMs: loginLimit.windowMs, maxBlockMs: Math.max(maxBlockMs, loginLimit.windowMs) } }
        : {}),
      ...optional('registerPerAddress', value(register)),
      ...optional('ordersPerAddress', value(ordersPerAddress)),
      ...optional('ordersPerUser', value(ordersPerUser)),
    },
  };
}

/** The environment that gives a child process these limits (the processes topology). */
export function limitsEnv(limits: Limits): Record<string, string> {
  if (!limits.login && !limits.registerPerAddress && !limits.ordersPerAddress && !limits.ordersPerUser) return { [LIMITS_ENV.all]: 'off' };
  const text = (l: RequestLimit | undefined) => (l ? `${l.max}/${l.windowMs}ms` : 'off');
  return {
    [LIMITS_ENV.all]: 'on',
    [LIMITS_ENV.login]: text(limits.login && { max: limits.login.maxFailures, windowMs: limits.login.windowMs }),
    ...(limits.login ? { [LIMITS_ENV.loginMaxBlock]: `${limits.login.maxBlockMs}ms` } : {}),
    [LIMITS_ENV.registerPerAddress]: text(limits.registerPerAddress),
    [LIMITS_ENV.ordersPerAddress]: text(limits.ordersPerAddress),
    [LIMITS_ENV.ordersPerUser]: text(limits.ordersPerUser),
  };
}

/** INTERPLAY_TRUST_PROXY as a list (`loopback,10.0.0.0/8`); undefined when unset, `none` is an empty list. */
export function trustedProxiesFromEnv(env: Env = process.env): string[] | undefined {
  const text = env[LIMITS_ENV.trustProxy]?.trim();
  if (!text) return undefined;
  if (text === 'none') return [];
  return text.split(',').map((part) => part.trim()).filter(Boolean);
}

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

const fail = (name: string, expected: string, got: string): Parsed<never> => ({ ok: false, error: `${name} must be ${expected}, got '${got}'` });

/** `N/window` (`5/1m`, `1000/10s`), or `off`. */
function readLimit(env: Env, name: string, fallback: RequestLimit | undefined): Parsed<RequestLimit | undefined> {
  const text = env[name]?.trim();
  if (!text) return { ok: true, value: fallback };
  if (text === 'off') return { ok: true, value: undefined };
  const match = /^([1-9]\d{0,8})\/(.+)$/.exec(text);
  const windowMs = match ? durationMs(match[2] ?? '') : undefined;
  if (!match || windowMs === undefined) return fail(name, "a count per window such as 5/1m or 1000/10s, or 'off'", text);
  return { ok: true, value: { max: Number(match[1]), windowMs } };
}

function readDuration(env: Env, name: string, fallback: number): Parsed<number> {
  const text = env[name]?.trim();
  if (!text) return { ok: true, value: fallback };
  const ms = durationMs(text);
  return ms === undefined ? fail(name, 'a duration such as 15m, 90s or 500ms', text) : { ok: true, value: ms };
}

/** "500ms", "10s", "1m", "1h" → ms; undefined for anything else or zero. */
function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  const ms = Math.round(Number(match[1]) * unit);
  return ms > 0 ? ms : undefined;
}
