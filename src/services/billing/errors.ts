import { DomainError } from '../kernel/index.ts';

export type BillingErrorCode =
  | 'BILLING.ACCOUNT_NOT_FOUND'
  | 'BILLING.PAYMENT_NOT_FOUND'
  | 'BILLING.IDEMPOTENCY_MISMATCH'
  | 'BILLING.BALANCE_LIMIT';
export type BillingError = DomainError<BillingErrorCode>;

export const accountNotFound = (userId: string): BillingError =>
  new DomainError('BILLING.ACCOUNT_NOT_FOUND', `User ${userId} has no billing account yet.`);
export const paymentNotFound = (orderId: string): BillingError =>
  new DomainError('BILLING.PAYMENT_NOT_FOUND', `No payment for order ${orderId}.`);
export const idempotencyMismatch = (key: string): BillingError =>
  new DomainError('BILLING.IDEMPOTENCY_MISMATCH', `Idempotency-Key ${key} was used with a different request body.`);
export const balanceLimit = (): BillingError =>
  new DomainError('BILLING.BALANCE_LIMIT', 'The deposit would take the balance past the largest amount stored.');
