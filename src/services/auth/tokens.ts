import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export const TOKEN_ISSUER = 'interplay-auth';
/** Audience of user tokens: the public API. */
export const USER_AUDIENCE = 'interplay';
/** Audience of service tokens: internal endpoints, which refuse user tokens. */
export const SERVICE_AUDIENCE = 'interplay-internal';
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
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TOKEN_ALG, use: 'sig' };
  return { kid, privateKey, publicKey, publicJwk };
}

export interface TokenIssuer {
  issueUserToken(userId: string): Promise<{ accessToken: string; expiresIn: number }>;
  issueServiceToken(service: string, ttlS: number): Promise<string>;
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
    issueServiceToken: (service, ttlS) => sign(`service:${service}`, SERVICE_AUDIENCE, ttlS),
  };
}
