import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, NO_LIMITS, limitsEnv, limitsFromEnv, trustedProxiesFromEnv } from './limits.ts';

describe('limitsFromEnv', () => {
  it('limits - with nothing set, every limit is on at its default', () => {
    expect(limitsFromEnv({})).toEqual({ ok: true, value: DEFAULT_LIMITS });
  });

  it('limits - INTERPLAY_LIMITS=off turns every limit off, whatever else is set', () => {
    expect(limitsFromEnv({ INTERPLAY_LIMITS: 'off', INTERPLAY_LIMIT_LOGIN: '3/1m' })).toEqual({ ok: true, value: NO_LIMITS });
  });

  it('limits - each variable sets its limit as N/window, or turns it off', () => {
    const parsed = limitsFromEnv({
      INTERPLAY_LIMIT_LOGIN: '10/5m',
      INTERPLAY_LIMIT_LOGIN_MAX_BLOCK: '1h',
      INTERPLAY_LIMIT_REGISTER_PER_ADDRESS: '20/1h',
      INTERPLAY_LIMIT_ORDERS_PER_ADDRESS: 'off',
      INTERPLAY_LIMIT_ORDERS_PER_USER: '50/500ms',
    });

    expect(parsed).toEqual({
      ok: true,
      value: {
        login: { maxFailures: 10, windowMs: 300_000, blockMs: 300_000, maxBlockMs: 3_600_000 },
        registerPerAddress: { max: 20, windowMs: 3_600_000 },
        ordersPerUser: { max: 50, windowMs: 500 },
      },
    });
  });

  it.each([
    ['INTERPLAY_LIMITS', 'maybe', /INTERPLAY_LIMITS must be on or off, got 'maybe'/],
    ['INTERPLAY_LIMIT_LOGIN', '5', /INTERPLAY_LIMIT_LOGIN must be a count per window such as 5\/1m/],
    ['INTERPLAY_LIMIT_ORDERS_PER_USER', '0/1s', /INTERPLAY_LIMIT_ORDERS_PER_USER must be a count per window/],
    ['INTERPLAY_LIMIT_ORDERS_PER_ADDRESS', '10/0s', /INTERPLAY_LIMIT_ORDERS_PER_ADDRESS must be a count per window/],
    ['INTERPLAY_LIMIT_LOGIN_MAX_BLOCK', 'forever', /INTERPLAY_LIMIT_LOGIN_MAX_BLOCK must be a duration/],
  ])('limits - %s=%s is refused with a message that names it', (name, value, message) => {
    const parsed = limitsFromEnv({ [name]: value });

    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toMatch(message);
  });

  it('limits - limitsEnv gives a child process the same limits', () => {
    const custom = { ...DEFAULT_LIMITS, ordersPerAddress: undefined, ordersPerUser: { max: 7, windowMs: 2_000 } };

    for (const limits of [DEFAULT_LIMITS, NO_LIMITS, custom]) {
      const parsed = limitsFromEnv(limitsEnv(limits));
      expect(parsed).toEqual({ ok: true, value: JSON.parse(JSON.stringify(limits)) });
    }
  });

  it('limits - INTERPLAY_TRUST_PROXY is a comma-separated list, none is an empty one, unset is the default', () => {
    expect(trustedProxiesFromEnv({ INTERPLAY_TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toEqual(['loopback', '10.0.0.0/8']);
    expect(trustedProxiesFromEnv({ INTERPLAY_TRUST_PROXY: 'none' })).toEqual([]);
    expect(trustedProxiesFromEnv({})).toBeUndefined();
  });
});
