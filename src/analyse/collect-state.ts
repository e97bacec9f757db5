import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { serviceCredentials } from '../runtime/identity.ts';
import type { ServiceName } from '../model/style.ts';
import type { SystemState, UserState } from './system-state.ts';

export interface CollectOptions {
  /** the gateway: the public API */
  readonly baseUrl: string;
  /** each service's own base URL, for its internal read routes */
  readonly services: Readonly<Record<ServiceName, string>>;
  /** a service token (audience interplay-internal); see checkerToken */
  readonly serviceToken: string;
  /** the users to read, each with an access token of their own */
  readonly users: readonly { readonly id: string; readonly token: string }[];
}

/** The checker's own service token, minted with the shared service secret like any service's. */
export const checkerToken = (serviceSecret: string): Promise<string> => serviceCredentials(serviceSecret).tokenFor('checker')();

/**
 * ms; one read may take this long. A service that is being restarted answers within a second or two
 * once it is up; a read that hangs longer fails, and settle() reads again.
 */
const READ_TIMEOUT_MS = 10_000;
/** users read at once: enough to finish quickly, few enough not to load a 2-core machine or trip load shedding */
const USERS_AT_ONCE = 4;
/** the most items a list gives in one page */
const PAGE_SIZE = 100;

// What the checker needs of each answer; anything else a service adds is ignored.
const Amount = Type.Integer();
const AccountBody = Type.Object({ balance: Type.Integer() });
const OrderBody = Type.Object({ id: Type.String(), amount: Amount, status: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('rejected')]) });
const NotificationBody = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  type: Type.Union([Type.Literal('order.paid'), Type.Literal('order.rejected')]),
});
const PaymentStatus = Type.Union([Type.Literal('paid'), Type.Literal('rejected')]);
const LedgerBody = Type.Object({
  deposits: Type.Array(Type.Object({ id: Type.String(), amount: Amount, idempotencyKey: Type.Union([Type.String(), Type.Null()]) })),
  payments: Type.Array(Type.Object({ orderId: Type.String(), amount: Amount, status: PaymentStatus })),
});
const KeysBody = Type.Array(Type.Object({ idempotencyKey: Type.String(), orderId: Type.String() }));

/**
 * Reads every user's state through the gateway (balance, orders, notifications) and the owning
 * services' internal read routes (the account's ledger, the orders' Idempotency-Keys), never through
 * a database. The reads are not one snapshot: call it once the system has settled (settle.ts).
 */
export async function collectState(opts: CollectOptions): Promise<SystemState> {
  const users: UserState[] = [];
  for (let i = 0; i < opts.users.length; i += USERS_AT_ONCE) {
    users.push(...(await Promise.all(opts.users.slice(i, i + USERS_AT_ONCE).map((u) => readUser(opts, u)))));
  }
  return { users };
}

async function readUser(opts: CollectOptions, user: { readonly id: string; readonly token: string }): Promise<UserState> {
  const id = encodeURIComponent(user.id);
  const [account, orders, notifications, ledger, keys] = await Promise.all([
    readJson(`${opts.baseUrl}/billing/account`, user.token, AccountBody, { missing: null }),
    readList(opts.baseUrl, '/orders', user.token, OrderBody),
    readList(opts.baseUrl, '/notifications', user.token, NotificationBody),
    readJson(`${opts.services.billing}/internal/accounts/${id}/ledger`, opts.serviceToken, LedgerBody, { missing: null }),
    readJson(`${opts.services.order}/internal/idempotency-keys/${id}`, opts.serviceToken, KeysBody),
  ]);
  const keyOf = new Map(keys.map((k) => [k.orderId, k.idempotencyKey]));
  return {
    userId: user.id,
    balance: account?.balance ?? null,
    deposits: (ledger?.deposits ?? []).map((d) => ({ id: d.id, amount: d.amount, idempotencyKey: d.idempotencyKey })),
    orders: orders.map((o) => ({ id: o.id, amount: o.amount, status: o.status, idempotencyKey: keyOf.get(o.id) ?? null })),
    payments: (ledger?.payments ?? []).map((p) => ({ orderId: p.orderId, amount: p.amount, status: p.status })),
    notifications: notifications.map((n) => ({ id: n.id, orderId: n.orderId, type: n.type })),
  };
}

/**
 * Every item of a paged list, following the `Link: <…>; rel="next"` each page carries until the last.
 * Pages run newest first by keyset, so items added while reading are not repeated or skipped over.
 */
export async function readList<S extends TSchema>(
  baseUrl: string,
  path: string,
  token: string,
  item: S,
  /** items per page; default 100, the most a list gives, so a list takes the fewest requests */
  pageSize: number = PAGE_SIZE,
): Promise<Static<S>[]> {
  const items: Static<S>[] = [];
  const page = Type.Array(item);
  for (let next: string | undefined = `${path}?limit=${pageSize}`; next !== undefined; ) {
    const url = new URL(next, baseUrl).toString();
    const res = await get(url, token);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text.slice(0, 200)}`);
    items.push(...parsed(url, res.text, page));
    next = nextLink(res.link);
  }
  return items;
}

const nextLink = (link: string | null): string | undefined => (link ? /<([^>]+)>\s*;\s*rel="?next"?/.exec(link)?.[1] : undefined);

async function readJson<S extends TSchema>(url: string, token: string, schema: S): Promise<Static<S>>;
async function readJson<S extends TSchema, M>(url: string, token: string, schema: S, opts: { missing: M }): Promise<Static<S> | M>;
/** One JSON answer; with `missing`, a 404 reads as that value (an account not opened, say). */
async function readJson<S extends TSchema, M>(url: string, token: string, schema: S, opts?: { missing: M }): Promise<Static<S> | M> {
  const res = await get(url, token);
  if (res.status === 404 && opts) return opts.missing;
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${res.text.slice(0, 200)}`);
  return parsed(url, res.text, schema);
}

async function get(url: string, token: string): Promise<{ status: number; text: string; link: string | null }> {
  const res = await fetch(url, {
    headers: { accept: 'application/json', authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(READ_TIMEOUT_MS),
  });
  return { status: res.status, text: await res.text(), link: res.headers.get('link') };
}

function parsed<S extends TSchema>(url: string, text: string, schema: S): Static<S> {
  const body: unknown = JSON.parse(text);
  if (!Value.Check(schema, body)) {
    const first = Value.Errors(schema, body).First();
    throw new Error(`GET ${url} answered a body the checker cannot read: ${first ? `${first.path} ${first.message}` : 'invalid'}`);
  }
  return body;
}
