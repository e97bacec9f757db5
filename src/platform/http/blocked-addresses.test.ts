import { describe, expect, it } from 'vitest';
import { blockedAddresses } from './blocked-addresses.ts';

describe('blocked addresses at the edge', () => {
  it('refuses an address from auth\'s hint until the block ends, with the seconds left', () => {
    const blocked = blockedAddresses();
    blocked.learn('60000', '203.0.113.1', 1_000);

    expect(blocked.refusal('203.0.113.1', 1_000)).toMatchObject({ status: 429, code: 'AUTH.TOO_MANY_ATTEMPTS', retryAfterS: 60 });
    expect(blocked.refusal('203.0.113.1', 30_500)).toMatchObject({ retryAfterS: 31 });
    expect(blocked.refusal('203.0.113.1', 61_000)).toBeUndefined();
    expect(blocked.refusal('203.0.113.2', 1_000)).toBeUndefined();
  });

  it('ignores a hint that is not a positive number of ms', () => {
    const blocked = blockedAddresses();
    for (const hint of ['', 'soon', '-5', '0', undefined, ['1000', '2000']]) blocked.learn(hint, '203.0.113.3', 0);

    expect(blocked.refusal('203.0.113.3', 0)).toBeUndefined();
  });
});
