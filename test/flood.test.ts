import { beforeAll, describe, expect, it } from 'vitest';
import { FLOOD_DEFAULTS, runFlood } from '../src/measure/faults/flood.ts';

describe('interplay flood', () => {
  // The suite runs many systems at once on shared cores: the child system must not shed for lag that
  // is not its own (as UNREACHED_LIMITS in support/system.ts). It inherits this process's environment.
  beforeAll(() => {
    process.env['INTERPLAY_MAX_EVENT_LOOP_DELAY_MS'] = '60000';
    process.env['INTERPLAY_MAX_INFLIGHT'] = '100000';
  });

  it('flood - a short flood of bad logins from one client: the attacker gets at most 5 answers of 401, then 429s; argon2 runs within the bound, orders complete in both phases', async () => {
    const result = await runFlood({
      ...FLOOD_DEFAULTS,
      style: 'rest',
      users: 4,
      orderRate: 20,
      loginRate: 100,
      quietMs: 2_000,
      floodMs: 2_000,
      warmupMs: 500,
      accounts: 3,
      drainMs: 10_000,
    });

    expect(result.attacker.sent, JSON.stringify(result)).toBe(200);
    expect(result.attacker.answers['401']).toBeLessThanOrEqual(5);
    expect(result.attacker.answers['429']).toBeGreaterThan(0);
    expect(result.argon2.runs).toBeLessThanOrEqual(5);
    expect(result.argon2.bound).toBe(5 * 3 + 5);
    expect(result.withoutFlood.completed).toBeGreaterThan(0);
    expect(result.withFlood.completed).toBeGreaterThan(0);
    expect(result.withFlood.refused['429']).toBeUndefined();
  }, 120_000);
});
