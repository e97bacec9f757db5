import { errors, jwtVerify, type CryptoKey, type KeyObject } from 'jose';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { problem, sendProblem } from './problem.ts';

export interface TokenPolicy {
  /** auth's public key, handed over once at start and kept: no per-request key fetch */
  readonly key: CryptoKey | KeyObject | Uint8Array;
  readonly issuer: string;
  readonly audience: string;
  /** the one algorithm accepted; anything else (alg "none" included) is refused */
  readonly algorithm: string;
}

export type Verification = { readonly ok: true; readonly subject: string } | { readonly ok: false; readonly reason: string };

export async function verifyBearer(policy: TokenPolicy, authorization: string | undefined): Promise<Verification> {
  if (!authorization) return { ok: false, reason: 'The Authorization header is missing.' };
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(authorization);
  if (!match?.[1]) return { ok: false, reason: 'The Authorization header must be "Bearer <token>".' };
  try {
    const { payload } = await jwtVerify(match[1], policy.key, {
      issuer: policy.issuer,
      audience: policy.audience,
      algorithms: [policy.algorithm],
      requiredClaims: ['sub', 'exp'],
    });
    return payload.sub ? { ok: true, subject: payload.sub } : { ok: false, reason: 'The token names no subject.' };
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
