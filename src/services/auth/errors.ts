import { DomainError } from '../kernel/index.ts';

export type AuthErrorCode = 'AUTH.EMAIL_TAKEN' | 'AUTH.INVALID_CREDENTIALS' | 'AUTH.USER_NOT_FOUND' | 'AUTH.TOO_MANY_ATTEMPTS';
export type AuthError = DomainError<AuthErrorCode>;

export const emailTaken = (email: string): AuthError =>
  new DomainError('AUTH.EMAIL_TAKEN', `A user with email ${email} is already registered.`);
export const invalidCredentials = (): AuthError =>
  new DomainError('AUTH.INVALID_CREDENTIALS', 'The email or password is wrong.');
export const userNotFound = (id: string): AuthError => new DomainError('AUTH.USER_NOT_FOUND', `No user ${id}.`);

/** Too many failed logins for the account or from the address; no password was checked. */
export class TooManyAttempts extends DomainError<'AUTH.TOO_MANY_ATTEMPTS'> {
  /** whole seconds until an attempt is counted again */
  readonly retryAfterS: number;
  /**
   * ms the client's address itself stays blocked, when it does: every login from it is refused
   * until then, so the edge may refuse them without asking (never shown to the client)
   */
  readonly addressBlockedMs: number | undefined;
  constructor(retryAfterMs: number, addressBlockedMs?: number) {
    const retryAfterS = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super('AUTH.TOO_MANY_ATTEMPTS', `Too many failed logins; try again in ${retryAfterS} s.`);
    this.name = 'TooManyAttempts';
    this.retryAfterS = retryAfterS;
    this.addressBlockedMs = addressBlockedMs;
  }
}
