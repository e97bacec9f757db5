import type { TokenIssuer } from '../services/auth/index.ts';

/** seconds a service token lives; it is re-minted when a tenth of that is left */
const SERVICE_TOKEN_TTL_S = 3600;

/** A cached service token per caller, so internal calls do not sign a JWT each time. */
export function serviceTokens(issuer: TokenIssuer, now: () => number = Date.now): (service: string) => () => Promise<string> {
  return (service) => {
    let cached: { token: Promise<string>; renewAt: number } | undefined;
    return () => {
      if (!cached || now() >= cached.renewAt) {
        cached = { token: issuer.issueServiceToken(service, SERVICE_TOKEN_TTL_S), renewAt: now() + SERVICE_TOKEN_TTL_S * 900 };
      }
      return cached.token;
    };
  };
}
