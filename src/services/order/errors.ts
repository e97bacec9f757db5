import { DomainError } from '../kernel/index.ts';

export type OrderErrorCode = 'ORDER.NOT_FOUND' | 'ORDER.IDEMPOTENCY_MISMATCH' | 'ORDER.INVALID_CURSOR';
export type OrderError = DomainError<OrderErrorCode>;

export const orderNotFound = (id: string): OrderError => new DomainError('ORDER.NOT_FOUND', `No order ${id}.`);
export const idempotencyMismatch = (key: string): OrderError =>
  new DomainError('ORDER.IDEMPOTENCY_MISMATCH', `Idempotency-Key ${key} was used with a different request body.`);
export const invalidCursor = (): OrderError =>
  new DomainError('ORDER.INVALID_CURSOR', 'The cursor was not issued by GET /orders; start again without one.');
