import { DomainError } from '../../services/kernel/index.ts';
import { problem, type Problem, type ProblemType } from '../../platform/http/problem.ts';

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

/** A domain error thrown out of a route, as the service app's error handler answers it (`errorProblem`). */
export const thrownDomainProblem = (error: Error): Problem | undefined => (error instanceof DomainError ? domainProblem(error) : undefined);
