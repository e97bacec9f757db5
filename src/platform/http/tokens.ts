import { errors, jwtVerify, type CryptoKey, type JWTVerifyGetKey, type KeyObject } from 'jose';
import { LRUCache } from 'lru-cache';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { problem, sendProblem } from './problem.ts';

export interface TokenPolicy {
  /** the verification key, or a key set resolved by the token's kid (auth's JWKS, cached) */
  readonly key: CryptoKey | KeyObject | Uint8Array | JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
  /** the one algorithm accepted; anything else (alg "none" included) is refused */
  readonly algorithm: string;
}

export type Verification = { readonly ok: true; readonly subject: string } | { readonly ok: false; readonly reason: string };

/**
 * Tokens already verified, until they expire. A token is immutable, so its signature is checked
 * once rather than on every request (an Ed25519 verification costs more than the rest of a read).
 * The bound keeps a flood of distinct tokens from growing it without limit.
 */
const VERIFIED_CACHE_SIZE = 10_000;

type Verified = { readonly subject: string; readonly expiresAtMs: number };
/** one cache per policy: a token valid for one audience says nothing about another */
const caches = new WeakMap<TokenPolicy, LRUCache<string, Verified>>();

export async function verifyBearer(policy: TokenPolicy, authorization: string | undefined): Promise<Verification> {
  if (!authorization) return { ok: false, reason: 'The Authorization header is missing.' };
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization);
  if (!match?.[1]) return { ok: false, reason: 'The Authorization header must be "Bearer <token>".' };
  const token = match[1];
  let cache = caches.get(policy);
  if (!cache) caches.set(policy, (cache = new LRUCache<string, Verified>({ max: VERIFIED_CACHE_SIZE })));
  const known = cache.get(token);
  if (known) {
    if (known.expiresAtMs > Date.now()) return { ok: true, subject: known.subject };
    cache.delete(token);
    return { ok: false, reason: 'The token has expired.' };
  }
  const verdict = await verifyOnce(policy, token);
  if (!verdict.ok) return verdict;
  cache.set(token, { subject: verdict.subject, expiresAtMs: verdict.expiresAtMs });
  return { ok: true, subject: verdict.subject };
}

async function verifyOnce(
  policy: TokenPolicy,
  token: string,
): Promise<({ readonly ok: true } & Verified) | { readonly ok: false; readonly reason: string }> {
  try {
    const options = { issuer: policy.issuer, audience: policy.audience, algorithms: [policy.algorithm], requiredClaims: ['sub', 'exp'] };
    const { key } = policy;
    const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return payload.sub && payload.exp
      ? { ok: true, subject: payload.sub, expiresAtMs: payload.exp * 1000 }
      : { ok: false, reason: 'The token names no subject.' };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'The token has expired.' };
    if (error instanceof errors.JOSEError) return { ok: false, reason: 'The token is not valid for this API.' };
    throw error;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the token's subject: a user id, or `service:<name>` on internal routes */
    principal: string;
  }
}

/** An onRequest hook that admits only requests bearing a token the policy accepts. */
export function requireToken(policy: TokenPolicy): onRequestHookHandler {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const verdict = await verifyBearer(policy, request.headers.authorization);
    if (!verdict.ok) {
      reply.header('www-authenticate', 'Bearer');
      return sendProblem(reply, problem('unauthorized', verdict.reason));
    }
    request.principal = verdict.subject;
  };
}
