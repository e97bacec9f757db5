import { describe, expect, it } from 'vitest';
import { FLOOD_DEFAULTS, runFlood } from '../src/measure/flood.ts';

describe('interplay flood', () => {
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

    expect(result.attacker.sent).toBe(200);
    expect(result.attacker.answers['401']).toBeLessThanOrEqual(5);
    expect(result.attacker.answers['429']).toBeGreaterThan(0);
    expect(result.argon2.runs).toBeLessThanOrEqual(5);
    expect(result.argon2.bound).toBe(5 * 3 + 5);
    expect(result.withoutFlood.completed).toBeGreaterThan(0);
    expect(result.withFlood.completed).toBeGreaterThan(0);
    expect(result.withFlood.refused['429']).toBeUndefined();
  }, 120_000);
});
