import { describe, expect, it } from 'vitest';
import { appliesTo, chaosSchedule, outageWindow } from './faults.ts';

describe('fault plans', () => {
  const base = { seed: 7, kills: 20, durationMs: 60_000, replicas: { billing: 2, order: 2, notification: 2 } } as const;

  it('chaosSchedule - the same seed gives the same schedule, another seed another one', () => {
    expect(chaosSchedule({ ...base, style: 'rest' })).toEqual(chaosSchedule({ ...base, style: 'rest' }));
    expect(chaosSchedule({ ...base, style: 'rest' })).not.toEqual(chaosSchedule({ ...base, seed: 8, style: 'rest' }));
  });

  it('chaosSchedule - kills replicas too, in order of time inside the middle of the load, and restarts the broker only in the event styles', () => {
    const rest = chaosSchedule({ ...base, style: 'rest' });
    const events = chaosSchedule({ ...base, kills: 200, style: 'collaboration' });

    expect(rest).toHaveLength(20);
    expect(rest.every((f) => f.type === 'kill')).toBe(true);
    expect(events.some((f) => f.type === 'broker-restart')).toBe(true);
    expect(events.some((f) => f.type === 'kill' && f.replica === 2)).toBe(true);
    const times = events.map((f) => f.atMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(6_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(54_000);
  });

  it('chaosSchedule - draws PostgreSQL restarts and terminations only for a run with a private PostgreSQL', () => {
    const without = chaosSchedule({ ...base, kills: 200, style: 'rest' });
    const withPostgres = chaosSchedule({ ...base, kills: 200, style: 'rest', postgres: true });

    expect(without.some((f) => f.type.startsWith('postgres'))).toBe(false);
    expect(withPostgres.some((f) => f.type === 'postgres-restart')).toBe(true);
    expect(withPostgres.some((f) => f.type === 'postgres-terminate')).toBe(true);
    expect(withPostgres.some((f) => f.type === 'kill')).toBe(true);
  });

  it('outageWindow - the outage sits in the middle of the measured window, after the warm-up', () => {
    expect(outageWindow({ warmupMs: 3_000, durationMs: 20_000, downMs: 5_000 })).toEqual({ downAtMs: 10_500, downMs: 5_000 });
  });

  it('appliesTo - the broker is not part of the RESTful style', () => {
    expect(appliesTo('nats', 'rest')).toBe(false);
    expect(appliesTo('nats', 'notification')).toBe(true);
    expect(appliesTo('billing', 'rest')).toBe(true);
    // The database is under every style.
    expect(appliesTo('postgres', 'rest')).toBe(true);
    expect(appliesTo('postgres-connections', 'collaboration')).toBe(true);
  });
});
