import { DomainError } from '../kernel/index.ts';

export type AuthErrorCode = 'AUTH.EMAIL_TAKEN' | 'AUTH.INVALID_CREDENTIALS' | 'AUTH.USER_NOT_FOUND';
export type AuthError = DomainError<AuthErrorCode>;

export const emailTaken = (email: string): AuthError =>
  new DomainError('AUTH.EMAIL_TAKEN', `A user with email ${email} is already registered.`);
export const invalidCredentials = (): AuthError =>
  new DomainError('AUTH.INVALID_CREDENTIALS', 'The email or password is wrong.');
export const userNotFound = (id: string): AuthError => new DomainError('AUTH.USER_NOT_FOUND', `No user ${id}.`);
