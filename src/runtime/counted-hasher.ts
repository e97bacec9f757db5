import { Counter, type Registry } from 'prom-client';
import type { PasswordHasher } from '../services/auth/index.ts';

/** the counter of argon2 runs on auth's /metrics: what a login flood costs, and what a limit spares */
export const PASSWORD_HASHES_METRIC = 'interplay_password_hashes_total';

/** The hasher, counting every hash and verification (each one argon2id run) in `registry`. */
export function countedHasher(hasher: PasswordHasher, registry: Registry): PasswordHasher {
  const runs = new Counter<'operation'>({
    name: PASSWORD_HASHES_METRIC,
    help: 'Password hashes computed (argon2id), by operation: hash on registration, verify on login',
    labelNames: ['operation'],
    registers: [registry],
  });
  return {
    hash: (password) => {
      runs.inc({ operation: 'hash' });
      return hasher.hash(password);
    },
    verify: (hashed, password) => {
      runs.inc({ operation: 'verify' });
      return hasher.verify(hashed, password);
    },
  };
}
