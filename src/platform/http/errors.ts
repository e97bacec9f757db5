import { DomainError } from '../../services/kernel/index.ts';
import { problem, type Problem, type ProblemType } from './problem.ts';

/** A service this request needs did not answer, or answered 5xx. */
export class UpstreamUnavailable extends Error {
  readonly code = 'UPSTREAM.UNAVAILABLE';
  readonly target: string;
  /** the 5xx it answered; undefined when it did not answer (refused, reset, timed out) */
  readonly status: number | undefined;
  constructor(target: string, options?: { cause?: unknown; status?: number }) {
    super(`The ${target} service is unavailable.`, options);
    this.name = 'UpstreamUnavailable';
    this.target = target;
    this.status = options?.status;
  }
}

/**
 * Whether an error says a peer service is down or going (no answer, 502, 503, 504) and will be back,
 * rather than that it failed on this request (500: a bug there, which waiting does not fix).
 */
export const isPeerUnavailable = (error: unknown): boolean =>
  error instanceof UpstreamUnavailable && (error.status === undefined || error.status === 502 || error.status === 503 || error.status === 504);

/** How each domain error code reads over HTTP. A code missing here is a bug and answers 500. */
const BY_CODE: Record<string, ProblemType> = {
  'AUTH.EMAIL_TAKEN': 'email-taken',
  'AUTH.INVALID_CREDENTIALS': 'invalid-credentials',
  'AUTH.USER_NOT_FOUND': 'not-found',
  'AUTH.TOO_MANY_ATTEMPTS': 'too-many-requests',
  'BILLING.ACCOUNT_NOT_FOUND': 'not-found',
  'BILLING.PAYMENT_NOT_FOUND': 'not-found',
  'BILLING.IDEMPOTENCY_MISMATCH': 'idempotency-key-mismatch',
  'BILLING.BALANCE_LIMIT': 'balance-limit',
  'ORDER.NOT_FOUND': 'not-found',
  'ORDER.IDEMPOTENCY_MISMATCH': 'idempotency-key-mismatch',
  'ORDER.INVALID_CURSOR': 'invalid-cursor',
  'NOTIFICATION.CONTACT_UNKNOWN': 'not-found',
  'NOTIFICATION.ORDER_NOT_FINAL': 'order-not-final',
  'NOTIFICATION.INVALID_CURSOR': 'invalid-cursor',
};

export function domainProblem(error: DomainError): Problem {
  const type = BY_CODE[error.code];
  if (!type) return problem('internal');
  // A refusal that ends (too many attempts) says when: sendProblem puts it in Retry-After.
  const retryAfterS = (error as { retryAfterS?: unknown }).retryAfterS;
  return problem(type, error.message, { code: error.code, ...(typeof retryAfterS === 'number' ? { retryAfterS } : {}) });
}
