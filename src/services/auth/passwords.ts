// Loaded on first use: of the four services only auth hashes, and the native module costs the others ~12 MiB.
const argon2 = () => import('@node-rs/argon2');

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hashed: string, password: string): Promise<boolean>;
}

/** OWASP Password Storage Cheat Sheet, argon2id minimum: m = 19 MiB, t = 2, p = 1. */
const OWASP_ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const argon2idHasher: PasswordHasher = {
  hash: async (password) => (await argon2()).hash(password, OWASP_ARGON2ID),
  verify: async (hashed, password) => (await argon2()).verify(hashed, password),
};
