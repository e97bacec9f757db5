import { randomUUID } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { expect, vi } from 'vitest';
import {
  TOKEN_ISSUER,
  USER_AUDIENCE,
  ACCESS_TOKEN_TTL_S,
  generateSigningKeys,
  tokenIssuer,
  type PasswordHasher,
} from '../../src/services/auth/index.ts';
import type { OverloadLimits } from '../../src/platform/http/overload.ts';
import { startSystem, type RunningSystem } from '../../src/runtime/system.ts';
import { DEFAULT_LIMITS, type Limits } from '../../src/runtime/limits.ts';
import { aRegistration, cheapHasher, recordingDelivery, type Delivered } from './builders.ts';

/** One RESTful system per test file, started in beforeAll, with helpers to talk to it. */

export interface Reply<T = any> {
  readonly status: number;
  /** the media type without parameters, e.g. application/problem+json */
  readonly contentType: string;
  readonly headers: Headers;
  readonly text: string;
  /** parsed JSON, or undefined when the body is not JSON */
  readonly body: T;
}

export interface CallOptions {
  /** sent as JSON with content-type application/json */
  readonly json?: unknown;
  /** sent as is, with `contentType` (default application/json) */
  readonly raw?: string;
  readonly contentType?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** One HTTP exchange over a real socket. */
export async function call<T = any>(baseUrl: string, method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.json !== undefined) body = JSON.stringify(opts.json);
  if (opts.raw !== undefined) body = opts.raw;
  if (body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  const res = await fetch(baseUrl + path, { method, headers, body, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, contentType: (res.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '', headers: res.headers, text, body: parsed as T };
}

/**
 * A request whose path goes on the wire exactly as written; fetch would resolve `..` segments
 * before sending them.
 */
export function rawGet(baseUrl: string, path: string): Promise<{ status: number; contentType: string; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: 'GET', timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: (res.headers['content-type'] ?? '').split(';')[0] ?? '', text }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What every error answer must look like: RFC 9457 problem+json with type, title and status, and no stack trace. */
export function expectProblem(reply: { status: number; contentType: string; text: string }, status: number, type: string): void {
  const body = safeJson(reply.text);
  expect({ status: reply.status, contentType: reply.contentType, type: body?.type }, reply.text).toEqual({
    status,
    contentType: 'application/problem+json',
    type: `/problems/${type}`,
  });
  expect(body).toMatchObject({ title: expect.any(String), status });
  expect(reply.text).not.toMatch(/\bstack\b|\n\s+at |\.ts:\d+/);
}

const safeJson = (text: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** the fields an invalid-input problem names */
export const fieldsOf = (reply: Reply): string[] =>
  ((reply.body as { errors?: { field: string }[] } | undefined)?.errors ?? []).map((e) => e.field);

/** the target of a `Link: <…>; rel="next"` header, or undefined on a list's last page */
export const nextLink = (reply: Reply): string | undefined => /<([^>]+)>;\s*rel="next"/.exec(reply.headers.get('link') ?? '')?.[1];

/** every page of a paged list, following its Link headers from `first`; each page must answer 200 */
export async function allPages<T>(ts: Pick<TestSystem, 'call'>, token: string, first: string): Promise<T[][]> {
  const pages: T[][] = [];
  for (let path: string | undefined = first; path !== undefined; ) {
    const reply: Reply<T[]> = await ts.call<T[]>('GET', path, { token });
    if (reply.status !== 200) throw new Error(`GET ${path} answered ${reply.status}: ${reply.text}`);
    pages.push(reply.body);
    path = nextLink(reply);
  }
  return pages;
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly token: string;
}

export interface TestSystem {
  readonly system: RunningSystem;
  /** the gateway */
  readonly url: string;
  /** every notification the system delivered */
  readonly deliveries: Delivered[];
  /** a request through the gateway */
  call<T = any>(method: string, path: string, opts?: CallOptions): Promise<Reply<T>>;
  /** registers and logs in a new user through the gateway */
  aUser(overrides?: { email?: string; password?: string; name?: string }): Promise<TestUser>;
  /** a new user whose account holds `balance` minor units */
  aFundedUser(balance: number): Promise<TestUser>;
  /** the deliveries for one order */
  deliveredFor(orderId: string): Delivered[];
  stop(): Promise<void>;
}

export interface TestSystemOptions {
  /** default: a cheap fake, since these tests are not about password hashing */
  readonly hasher?: PasswordHasher;
  /** default: limits no test reaches (see UNREACHED_LIMITS) */
  readonly overload?: OverloadLimits;
  /** login, registration and order limits; default DEFAULT_LIMITS, what a system starts with */
  readonly limits?: Limits;
}

/**
 * The suite runs many systems at once on shared cores, so their event loops lag for reasons that
 * are not their own load; a test not about shedding must not be shed. test/http-overload.test.ts
 * sets its own limits.
 */
export const UNREACHED_LIMITS: OverloadLimits = { maxEventLoopDelayMs: 60_000, maxInflight: 100_000, retryAfterS: 1 };

export async function startRestSystem(opts: TestSystemOptions = {}): Promise<TestSystem> {
  const delivery = recordingDelivery();
  const system = await startSystem({ style: 'rest', delivery, hasher: opts.hasher ?? cheapHasher, logLevel: 'fatal', overload: opts.overload ?? UNREACHED_LIMITS, limits: opts.limits ?? DEFAULT_LIMITS });
  const through = <T>(method: string, path: string, o?: CallOptions) => call<T>(system.url, method, path, o);

  const aUser: TestSystem['aUser'] = async (overrides = {}) => {
    const registration = aRegistration({ email: `user-${randomUUID()}@example.com`, ...overrides });
    const registered = await through<{ id: string }>('POST', '/auth/register', { json: registration });
    if (registered.status !== 201) throw new Error(`register answered ${registered.status}: ${registered.text}`);
    const login = await through<{ accessToken: string }>('POST', '/auth/login', {
      json: { email: registration.email, password: registration.password },
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${login.text}`);
    return { ...registration, id: registered.body.id, token: login.body.accessToken };
  };

  return {
    system,
    url: system.url,
    deliveries: delivery.delivered,
    call: through,
    aUser,
    async aFundedUser(balance) {
      const user = await aUser();
      const funded = await through('POST', '/billing/account/deposits', { token: user.token, json: { amount: balance } });
      if (funded.status !== 201) throw new Error(`deposit answered ${funded.status}: ${funded.text}`);
      return user;
    },
    deliveredFor: (orderId) => delivery.delivered.filter((d) => d.notification.orderId === orderId),
    stop: () => system.stop(),
  };
}

// ---- tokens a client could present ----------------------------------------------------------

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A well-formed user token with the right claims, signed by a key the system never saw. */
export async function tokenSignedByAnotherKey(subject: string): Promise<string> {
  const keys = await generateSigningKeys('someone-else');
  return (await tokenIssuer(keys, Date.now).issueUserToken(subject)).accessToken;
}

/** An unsigned token (`alg: none`) with the right claims. */
export function unsignedToken(subject: string): string {
  const iat = Math.floor(Date.now() / 1000);
  const header = base64url({ alg: 'none', typ: 'JWT' });
  const payload = base64url({ iss: TOKEN_ISSUER, aud: USER_AUDIENCE, sub: subject, iat, exp: iat + ACCESS_TOKEN_TTL_S });
  return `${header}.${payload}.`;
}

/**
 * A token the system itself issued, whose lifetime is over: the user logs in (in this process,
 * through the auth app) while the wall clock reads `ageMs` earlier than now.
 */
export async function anExpiredToken(ts: TestSystem, user: TestUser, ageMs = (ACCESS_TOKEN_TTL_S + 60) * 1000): Promise<string> {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() - ageMs });
  try {
    const res = await ts.system.apps.auth.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } });
    if (res.statusCode !== 200) throw new Error(`login answered ${res.statusCode}: ${res.body}`);
    return (res.json() as { accessToken: string }).accessToken;
  } finally {
    vi.useRealTimers();
  }
}

/**
 * The service token one service sends another: watched on undici's `undici:client:sendHeaders`
 * diagnostics channel while `action` makes the system call an internal route.
 */
export async function captureServiceToken(action: () => Promise<unknown>): Promise<string> {
  const tokens: string[] = [];
  const onHeaders = (message: unknown) => {
    const { request, headers } = message as { request: { path: string }; headers: string };
    const bearer = /^authorization: Bearer (\S+)\r$/im.exec(headers)?.[1];
    if (request.path.startsWith('/internal/') && bearer) tokens.push(bearer);
  };
  subscribe('undici:client:sendHeaders', onHeaders);
  try {
    await action();
  } finally {
    unsubscribe('undici:client:sendHeaders', onHeaders);
  }
  const [token] = tokens;
  if (!token) throw new Error('no internal call was seen');
  return token;
}

/** A loopback port where nothing listens (it was free a moment ago). */
export function aClosedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
