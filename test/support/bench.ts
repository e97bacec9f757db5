import type { BenchOptions } from '../../src/measure/bench.ts';
import type { Style } from '../../src/transports/index.ts';

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
    ...overrides,
  };
}
