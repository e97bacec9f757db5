import { describe, expect, it } from 'vitest';
import { parseBandwidth, parseLinkDuration, parsePair, parseStall, profileOf } from './profile.ts';

const ENDPOINTS = ['auth', 'billing', 'order', 'notification', 'nats'];

describe('link flags', () => {
  it('reads durations, rates and stalls as a user writes them', () => {
    expect([parseLinkDuration('0'), parseLinkDuration('500us'), parseLinkDuration('5ms'), parseLinkDuration('1.5s')]).toEqual([0, 0.5, 5, 1500]);
    expect(parseLinkDuration('5')).toBeUndefined();
    expect(parseBandwidth('100mbit')).toBe(12_500_000);
    expect(parseBandwidth('fast')).toBeUndefined();
    expect(parseStall('0.01:200ms')).toEqual({ p: 0.01, ms: 200 });
    expect(parseStall('2:200ms')).toBeUndefined();
  });

  it("reads a pair, and the last pair that matches a link sets its latency", () => {
    const pair = parsePair('order>billing=20ms±5ms', ENDPOINTS);
    expect(pair).toEqual({ from: 'order', to: 'billing', latencyMs: 20, jitterMs: 5 });
    expect(parsePair('order>nats=2ms+-1ms', ENDPOINTS)).toEqual({ from: 'order', to: 'nats', latencyMs: 2, jitterMs: 1 });
    expect(parsePair('order>bank=2ms', ENDPOINTS)).toMatch(/^bank: unknown/);
    const config = {
      profile: { latencyMs: 1, jitterMs: 0, stall: { p: 0.1, ms: 50 } },
      pairs: [
        { from: '*', to: 'nats', latencyMs: 3, jitterMs: 0 },
        { from: 'order', to: 'billing', latencyMs: 20, jitterMs: 5 },
      ],
    };
    expect(profileOf(config, 'order', 'billing')).toEqual({ latencyMs: 20, jitterMs: 5, stall: { p: 0.1, ms: 50 } });
    expect(profileOf(config, 'billing', 'nats').latencyMs).toBe(3);
    expect(profileOf(config, 'billing', 'order').latencyMs).toBe(1);
  });
});
