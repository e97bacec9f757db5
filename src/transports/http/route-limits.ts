import type { FastifyInstance } from 'fastify';
import { clientAddress, requestLimit, type LimitHook, type RequestLimit } from '../../platform/http/request-limits.ts';

/** Per-process request limits of the public routes that create things; an absent limit is off. */
export interface RequestLimits {
  /** POST /auth/register per client address */
  readonly registerPerAddress?: RequestLimit;
  /** POST /orders per client address */
  readonly ordersPerAddress?: RequestLimit;
  /** POST /orders per user */
  readonly ordersPerUser?: RequestLimit;
}

export interface LimitHooks {
  /** before the token is checked and the body read: limits by address */
  readonly onRequest: LimitHook[];
  /** after the token is checked: limits by user */
  readonly preHandler: LimitHook[];
}

const hooks = (app: FastifyInstance, limit: RequestLimit | undefined, name: string, key: Parameters<typeof requestLimit>[3]) =>
  limit ? [requestLimit(app, name, limit, key)] : [];

export function registrationLimits(app: FastifyInstance, limits: RequestLimits = {}): LimitHooks {
  return { onRequest: hooks(app, limits.registerPerAddress, 'register-per-address', clientAddress), preHandler: [] };
}

export function orderLimits(app: FastifyInstance, limits: RequestLimits = {}): LimitHooks {
  return {
    onRequest: hooks(app, limits.ordersPerAddress, 'orders-per-address', clientAddress),
    // The guard ran by now: the principal is the user the token names.
    preHandler: hooks(app, limits.ordersPerUser, 'orders-per-user', (request) => request.principal || undefined),
  };
}
