/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so that schedules,
 * user picks and failure fractions replay exactly for the same seed.
 * Not for cryptography.
 */
export interface Random {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, n); n must be a positive safe integer */
  int(n: number): number;
}

/** `seed` is any finite number; it is reduced to 32 bits. */
export function createRandom(seed: number): Random {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
  let s = Math.trunc(seed) >>> 0;
  const splitmix32 = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let d = splitmix32();

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };

  return {
    next: () => nextUint32() / 0x1_0000_0000,
    int: (n) => {
      if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`n must be a positive integer, got ${n}`);
      return Math.floor((nextUint32() / 0x1_0000_0000) * n);
    },
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
