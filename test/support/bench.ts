import type { BenchOptions } from '../../src/measure/bench/bench.ts';
import type { Style } from '../../src/model/style.ts';

/**
 * Overload limits no test reaches, for systems a test starts as processes (they read them from the
 * environment): on a machine busy with other test files the event loop lags for reasons of its own,
 * and tests that are not about overload must not see their orders shed (test/http-overload.test.ts is about it).
 */
export const NO_SHEDDING: Readonly<Record<string, string>> = { INTERPLAY_MAX_EVENT_LOOP_DELAY_MS: '60000', INTERPLAY_MAX_INFLIGHT: '100000' };

/**
 * A short, slow bench that any machine finishes with nothing pending: an open loop well under
 * what one core serves, and a drain long enough for the event styles to catch up.
 */
export function aSmallBench(style: Style, nats: string, overrides: Partial<Omit<BenchOptions, 'style' | 'nats'>> = {}): BenchOptions {
  return {
    style,
    mode: 'open',
    rate: 40,
    users: 4,
    seed: 7,
    insufficient: 0.25,
    durationMs: 3_000,
    warmupMs: 500,
    drainMs: 20_000,
    maxInflight: 500,
    nats,
    systemEnv: NO_SHEDDING,
    ...overrides,
  };
}
