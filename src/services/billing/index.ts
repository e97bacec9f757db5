export { openAccount, getAccount } from './account.ts';
export type { Account, Payment, BillingDeps, BillingEvent } from './account.ts';
export { deposit } from './deposit.ts';
export type { DepositRequest } from './deposit.ts';
export { pay, getPayment } from './pay.ts';
export type { PaymentRequest } from './pay.ts';
export { billingMigrations } from './schema.ts';
export type { BillingDB } from './schema.ts';
export type { BillingError, BillingErrorCode } from './errors.ts';
