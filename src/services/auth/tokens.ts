import { SignJWT, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export const TOKEN_ISSUER = 'interplay-auth';
/** Audience of user tokens: the public API. */
export const USER_AUDIENCE = 'interplay';
/** Audience of service tokens: internal endpoints, which refuse user tokens. */
export const SERVICE_AUDIENCE = 'interplay-internal';
/** Issuer of service tokens: each service mints its own from the shared service credential. */
export const SERVICE_ISSUER = 'interplay-services';
/** Algorithm of service tokens: HMAC with the shared service credential. */
export const SERVICE_TOKEN_ALG = 'HS256';
export const TOKEN_ALG = 'EdDSA';
/** seconds; short-lived, so a stolen token is useful for minutes only */
export const ACCESS_TOKEN_TTL_S = 900;

export interface SigningKeys {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function generateSigningKeys(kid: string): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
  return signingKeysOf(kid, privateKey, publicKey);
}

/** The private key as a JWK, to be kept where only auth reads it. */
export async function exportSigningKey(keys: SigningKeys): Promise<JWK> {
  return { ...(await exportJWK(keys.privateKey)), kid: keys.kid, alg: TOKEN_ALG };
}

/** Keys from a JWK that exportSigningKey wrote. */
export async function importSigningKey(jwk: JWK): Promise<SigningKeys> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.kid !== 'string') {
    throw new Error('the kept signing key is not an Ed25519 private JWK with a kid');
  }
  const privateKey = (await importJWK(jwk, TOKEN_ALG, { extractable: true })) as CryptoKey;
  const { d: _private, ...publicPart } = jwk;
  const publicKey = (await importJWK(publicPart, TOKEN_ALG, { extractable: true })) as CryptoKey;
  return signingKeysOf(jwk.kid, privateKey, publicKey);
}

async function signingKeysOf(kid: string, privateKey: CryptoKey, publicKey: CryptoKey): Promise<SigningKeys> {
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALG, use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

export interface TokenIssuer {
  issueUserToken(userId: string): Promise<{ accessToken: string; expiresIn: number }>;
}

export function tokenIssuer(keys: SigningKeys, now: () => number): TokenIssuer {
  const sign = (sub: string, audience: string, ttlS: number, extra: Record<string, unknown> = {}) => {
    const iat = Math.floor(now() / 1000);
    return new SignJWT(extra)
      .setProtectedHeader({ alg: TOKEN_ALG, kid: keys.kid, typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setAudience(audience)
      .setSubject(sub)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlS)
      .sign(keys.privateKey);
  };
  return {
    async issueUserToken(userId) {
      return { accessToken: await sign(userId, USER_AUDIENCE, ACCESS_TOKEN_TTL_S), expiresIn: ACCESS_TOKEN_TTL_S };
    },
  };
}
