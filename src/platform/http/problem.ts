import type { FastifyReply } from 'fastify';

/** One stable `type` per kind of failure (RFC 9457). */
export const PROBLEMS = {
  'invalid-input': { status: 400, title: 'The request is not valid' },
  'invalid-cursor': { status: 400, title: 'The cursor is not one this list issued' },
  'malformed-json': { status: 400, title: 'The body is not valid JSON' },
  unauthorized: { status: 401, title: 'A valid bearer token is required' },
  'invalid-credentials': { status: 401, title: 'The email or password is wrong' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'email-taken': { status: 409, title: 'The email is already registered' },
  'request-in-flight': { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  'order-not-final': { status: 409, title: 'The order is still pending' },
  'payload-too-large': { status: 413, title: 'The body is too large' },
  'unsupported-media-type': { status: 415, title: 'The body must be application/json' },
  'idempotency-key-mismatch': { status: 422, title: 'The Idempotency-Key was used with a different body' },
  'balance-limit': { status: 422, title: 'The balance would exceed the largest amount stored' },
  'service-overloaded': { status: 503, title: 'The service is overloaded; retry after the Retry-After seconds' },
  'service-unavailable': { status: 503, title: 'A service this request needs is unavailable' },
  'database-unavailable': { status: 503, title: 'The database is unavailable; retry after the Retry-After seconds' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemType = keyof typeof PROBLEMS;

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** for invalid input: which fields, and what is wrong with each */
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
  readonly [extension: string]: unknown;
}

export const problemTypeUri = (type: ProblemType): string => `/problems/${type}`;

export function problem(type: ProblemType, detail?: string, extensions: Record<string, unknown> = {}): Problem {
  const { status, title } = PROBLEMS[type];
  return { type: problemTypeUri(type), title, status, ...(detail === undefined ? {} : { detail }), ...extensions };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}
