import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import {
  SERVICE_AUDIENCE,
  SERVICE_ISSUER,
  SERVICE_TOKEN_ALG,
  TOKEN_ALG,
  TOKEN_ISSUER,
  USER_AUDIENCE,
  exportSigningKey,
  generateSigningKeys,
  importSigningKey,
  type SigningKeys,
} from '../services/auth/index.ts';
import { uuidV7 } from '../services/kernel/index.ts';
import { UpstreamUnavailable } from '../platform/http/errors.ts';
import type { TokenPolicy } from '../platform/http/tokens.ts';
import { MIN_SERVICE_SECRET_LENGTH } from './peers.ts';

const SIGNING_KEY_FILE = 'signing-key.jwk';

/**
 * Auth's signing key: created once and kept in auth's data directory (owner-only), so tokens
 * issued before a restart still verify after it. The file is written whole under a temporary
 * name and linked into place, so a crash never leaves half a key, and two starts never keep two.
 */
export async function loadOrCreateSigningKeys(dataDir: string): Promise<SigningKeys> {
  const file = join(dataDir, SIGNING_KEY_FILE);
  const kept = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (kept !== undefined) return importSigningKey(JSON.parse(kept));
  await mkdir(dataDir, { recursive: true });
  const keys = await generateSigningKeys(uuidV7.next());
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(await exportSigningKey(keys)), { mode: 0o600 });
  try {
    await link(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return importSigningKey(JSON.parse(await readFile(file, 'utf8')));
  } finally {
    await rm(temporary, { force: true });
  }
  return keys;
}

/** Auth verifies user tokens with its own public key. */
export const localUserPolicy = (keys: SigningKeys): TokenPolicy => ({
  key: keys.publicKey,
  issuer: TOKEN_ISSUER,
  audience: USER_AUDIENCE,
  algorithm: TOKEN_ALG,
});

/**
 * Every other service verifies user tokens with auth's JWKS, fetched over HTTP on first use and
 * fetched again when a token names a key it has not seen (jose's remote key set does both, at most
 * once per cooldown). `authUrl` is read when the set is first needed, so auth may start later.
 */
export function jwksUserPolicy(authUrl: () => string): TokenPolicy {
  let keySet: JWTVerifyGetKey | undefined;
  const key: JWTVerifyGetKey = async (header, token) => {
    keySet ??= createRemoteJWKSet(new URL(`${authUrl()}/auth/.well-known/jwks.json`), { timeoutDuration: JWKS_TIMEOUT_MS });
    try {
      return await keySet(header, token);
    } catch (error) {
      // A key that is not there is the token's fault (401); auth not answering is not (503).
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new UpstreamUnavailable('auth', { cause: error });
    }
  };
  return { key, issuer: TOKEN_ISSUER, audience: USER_AUDIENCE, algorithm: TOKEN_ALG };
}

/** ms; a JWKS fetch that hangs fails the request with 401 after this rather than holding it */
const JWKS_TIMEOUT_MS = 3000;

export { MIN_SERVICE_SECRET_LENGTH };

/** seconds a service token lives; it is re-minted when a tenth of that is left */
const SERVICE_TOKEN_TTL_S = 3600;

export interface ServiceCredentials {
  /** internal routes accept only tokens minted with the shared credential */
  readonly policy: TokenPolicy;
  /** a cached service token for one caller, so internal calls do not sign a JWT each time */
  tokenFor(service: string): () => Promise<string>;
}

/**
 * Service-to-service credentials from configuration (an environment variable that compose or a
 * Kubernetes Secret provides): each service mints its own short-lived HS256 token with the shared
 * secret. User tokens are EdDSA with another audience, so internal routes refuse them.
 */
export function serviceCredentials(secret: string, now: () => number = Date.now): ServiceCredentials {
  if (secret.length < MIN_SERVICE_SECRET_LENGTH) {
    throw new Error(`the service credential must be at least ${MIN_SERVICE_SECRET_LENGTH} characters`);
  }
  const key = new TextEncoder().encode(secret);
  return {
    policy: { key, issuer: SERVICE_ISSUER, audience: SERVICE_AUDIENCE, algorithm: SERVICE_TOKEN_ALG },
    tokenFor(service) {
      let cached: { token: Promise<string>; renewAt: number } | undefined;
      return () => {
        if (!cached || now() >= cached.renewAt) {
          const iat = Math.floor(now() / 1000);
          const token = new SignJWT({})
            .setProtectedHeader({ alg: SERVICE_TOKEN_ALG, typ: 'JWT' })
            .setIssuer(SERVICE_ISSUER)
            .setAudience(SERVICE_AUDIENCE)
            .setSubject(`service:${service}`)
            .setIssuedAt(iat)
            .setExpirationTime(iat + SERVICE_TOKEN_TTL_S)
            .sign(key);
          cached = { token, renewAt: now() + SERVICE_TOKEN_TTL_S * 900 };
        }
        return cached.token;
      };
    },
  };
}
