import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem, sendProblem } from './problem.ts';

/** At most `max` requests per key in each fixed window of `windowMs`. */
export interface RequestLimit {
  readonly max: number;
  /** ms */
  readonly windowMs: number;
}

/** A hook that answers 429 once its key has used up its limit; usable as onRequest or preHandler. */
export type LimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

/**
 * keys one process remembers per limit (@fastify/rate-limit's LRU); beyond it the least recent key
 * is forgotten, which only ever lets a request through. 100 000 keys cost a few MB.
 */
const KEYS_KEPT = 100_000;

/** Loads @fastify/rate-limit on `app` for the limits its routes ask for; none applies on its own. */
export async function enableRequestLimits(app: FastifyInstance): Promise<void> {
  await app.register(rateLimit, { global: false, cache: KEYS_KEPT });
}

/**
 * A limit per key, counted in this process. Registration and ordering are limited here rather than
 * in a store: the counts only need to stop a flood, not to be exact, and a miss costs a request the
 * system would have served anyway; with N replicas behind the gateway a key gets up to N × max.
 * (Logins, which guard passwords, are counted in auth's store: see services/auth/login-limits.ts.)
 */
export function requestLimit(
  app: FastifyInstance,
  name: string,
  limit: RequestLimit,
  key: (request: FastifyRequest) => string | undefined,
): LimitHook {
  const check = app.createRateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: (request) => `${name}:${key(request) ?? ''}` });
  return async (request, reply) => {
    if (key(request) === undefined) return undefined;
    const result = await check(request);
    // `isAllowed` is true only for an allow-list; a counted request is let through until it exceeds.
    if (result.isAllowed || !result.isExceeded) return undefined;
    const retryAfterS = Math.max(1, result.ttlInSeconds);
    const detail = `More than ${limit.max} requests in ${limit.windowMs / 1000} s (${name}); retry in ${retryAfterS} s.`;
    return sendProblem(reply, problem('too-many-requests', detail, { limit: name, retryAfterS }));
  };
}

/** The client's address, as the gateway forwarded it when the request came through a trusted proxy. */
export const clientAddress = (request: FastifyRequest): string => request.ip;
