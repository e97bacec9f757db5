export { register, normalizeEmail } from './register.ts';
export type { Registration } from './register.ts';
export { login } from './login.ts';
export { getUser } from './get-user.ts';
export { removeUser } from './remove-user.ts';
export type { Credentials, AccessToken, LoginClient } from './login.ts';
export { DEFAULT_LOGIN_LIMITS, admitLoginAttempt, loginFailed, loginKeys, loginSucceeded } from './login-limits.ts';
export type { Admission, LoginLimitPolicy } from './login-limits.ts';
export { TooManyAttempts } from './errors.ts';
export { authMigrations } from './schema.ts';
export type { AuthDB } from './schema.ts';
export type { AuthDeps, AuthEvent, User } from './user.ts';
export type { AuthError, AuthErrorCode } from './errors.ts';
export { argon2idHasher } from './passwords.ts';
export type { PasswordHasher } from './passwords.ts';
export {
  generateSigningKeys,
  exportSigningKey,
  importSigningKey,
  tokenIssuer,
  TOKEN_ISSUER,
  TOKEN_ALG,
  USER_AUDIENCE,
  SERVICE_AUDIENCE,
  SERVICE_ISSUER,
  SERVICE_TOKEN_ALG,
  ACCESS_TOKEN_TTL_S,
} from './tokens.ts';
export type { SigningKeys, TokenIssuer } from './tokens.ts';
