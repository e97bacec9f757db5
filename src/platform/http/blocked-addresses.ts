import { LRUCache } from 'lru-cache';
import { problem, type Problem } from './problem.ts';

/**
 * The header auth puts on a refused login when the client's address itself is blocked: the ms the
 * block has left. The gateway takes it off the answer (a client never sees it) and remembers the
 * address, so the rest of a flood from it is refused at the edge, without the hop to auth.
 */
export const ADDRESS_BLOCKED_HEADER = 'x-interplay-address-blocked-ms';

/** addresses remembered; beyond it the oldest are forgotten and their attempts go to auth again */
const MAX_ADDRESSES = 10_000;

/**
 * Client addresses auth said were blocked, until their block ends. A block only ends by its time (a
 * blocked address never reaches a password, so no success lifts it early), so refusing a login from
 * one here answers exactly what auth would: auth's store stays the one that decides, across replicas.
 */
export interface BlockedAddresses {
  /** remembers the block auth's hint names for `address` (the hint's value: ms left) */
  learn(hint: unknown, address: string, now?: number): void;
  /** the 429 auth would answer a login from `address`, when the address is known to be blocked */
  refusal(address: string, now?: number): Problem | undefined;
}

export function blockedAddresses(): BlockedAddresses {
  const until = new LRUCache<string, number>({ max: MAX_ADDRESSES });
  return {
    learn(hint, address, now = Date.now()) {
      const ms = Number(hint);
      if (Number.isFinite(ms) && ms > 0) until.set(address, now + ms, { ttl: ms });
    },
    refusal(address, now = Date.now()) {
      const end = until.get(address);
      if (end === undefined || end <= now) return undefined;
      return tooManyLogins(end - now);
    },
  };
}

/** The body of auth's refusal of a login (AUTH.TOO_MANY_ATTEMPTS), for `ms` more of a block. */
export function tooManyLogins(ms: number): Problem {
  const retryAfterS = Math.max(1, Math.ceil(ms / 1000));
  return problem('too-many-requests', `Too many failed logins; try again in ${retryAfterS} s.`, { code: 'AUTH.TOO_MANY_ATTEMPTS', retryAfterS });
}
