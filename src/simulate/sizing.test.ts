import { describe, expect, it } from 'vitest';
import { builtInCosts } from './costs.ts';
import { capacityOf, heldRate, holds, parseSlo, sizeReplicas } from './sizing.ts';
import { simulate } from './simulate.ts';

const slo = parseSlo('completion.p99<250ms')!;
const links = { profile: { latencyMs: 20, jitterMs: 0 }, pairs: [] };

describe('sizing with the model', () => {
  it('reads an SLO as a user writes it', () => {
    expect(parseSlo('accept.p50 < 1.5s')).toEqual({ metric: 'accept', quantile: 'p50', ms: 1500 });
    expect(parseSlo('completion.p95<1s')).toBeUndefined();
  });

  it('holds more with more replicas of the busiest service, and never beyond the capacity', () => {
    const base = { style: 'collaboration' as const, serviceMs: builtInCosts('collaboration').serviceMs, seed: 3 };
    const one = heldRate({ ...base, servers: {} }, slo)!;
    const more = heldRate({ ...base, servers: { order: 2, gateway: 2, billing: 2, notification: 2, nats: 2 } }, slo)!;
    expect(one.rate).toBeLessThanOrEqual(capacityOf({ ...base, servers: {} }));
    expect(more.rate).toBeGreaterThan(one.rate * 1.5);
  });

  it('sizes the fewest replicas that keep the SLO, one fewer of the busiest breaking it', () => {
    const base = { style: 'rest' as const, rate: 500, serviceMs: builtInCosts('rest').serviceMs, links, seed: 4 };
    const sized = sizeReplicas(base, slo, {});
    expect(sized.held).toBe(true);
    expect(holds(sized.result, slo)).toBe(true);
    const fewer = { ...sized.replicas, order: sized.replicas['order']! - 1 };
    expect(holds(simulate({ ...base, orders: 20_000, servers: fewer }), slo)).toBe(false);
  });

  it('says when no size keeps it: the notification style crosses 14 links of 20 ms', () => {
    const sized = sizeReplicas({ style: 'notification', rate: 100, serviceMs: builtInCosts('notification').serviceMs, links, seed: 5 }, slo, {});
    expect(sized.held).toBe(false);
    expect(sized.result.completion.p50).toBeGreaterThan(280);
  });
});
