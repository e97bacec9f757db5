import { describe, expect, it } from 'vitest';
import { analyseCoupling } from '../analyse/coupling.ts';
import { collaborationOrder, notificationOrder, restOrder } from '../analyse/test-spans.ts';
import { STYLES } from '../model/style.ts';
import { edgesOf, FLOWS, handlingsOf, linkCrossingsOf } from './flows.ts';
import type { ModelInput } from './model-io.ts';
import { simulate } from './simulate.ts';

const observed = { rest: restOrder(), notification: notificationOrder(), collaboration: collaborationOrder() };

describe("each style's flow in the model", () => {
  it.each(STYLES)('%s: has the observed graph’s calls and messages, once per order', (style) => {
    const graph = analyseCoupling(observed[style]).graph;
    const sync = graph.sync.flatMap((e) => e.routes.map((r) => `${e.from}→${e.to} ${r.method} ${r.route}`)).sort();
    const async = graph.async.map((e) => `${e.publisher}→${e.subject}→${e.consumer}`).sort();
    expect(edgesOf(FLOWS[style])).toEqual({ sync, async });
  });

  it('counts each station’s handlings per order: the broker one per message', () => {
    expect(handlingsOf(FLOWS.rest)).toEqual({ gateway: 1, order: 1, billing: 1, notification: 1, auth: 1 });
    expect(handlingsOf(FLOWS.notification)).toEqual({ gateway: 1, order: 4, billing: 2, notification: 1, auth: 1, nats: 3 });
    expect(handlingsOf(FLOWS.collaboration)).toEqual({ gateway: 1, order: 2, billing: 1, notification: 1, nats: 3 });
  });

  it('counts the link crossings per order: a call between services there and back, a message to the broker and from it', () => {
    // rest: order→billing, order→notification, notification→auth, each there and back (the gateway's call is direct)
    expect(linkCrossingsOf(FLOWS.rest)).toBe(6);
    // notification: 3 messages and 4 read-backs
    expect(linkCrossingsOf(FLOWS.notification)).toBe(14);
    expect(linkCrossingsOf(FLOWS.collaboration)).toBe(6);
  });
});

const base: ModelInput = {
  style: 'notification',
  rate: 200,
  orders: 20_000,
  servers: {},
  serviceMs: { gateway: 0.5, order: 0.8, billing: 0.6, notification: 1, auth: 0.4, nats: 0.1 },
  links: { profile: { latencyMs: 5, jitterMs: 1 }, pairs: [] },
};

describe('simulate', () => {
  it('gives the same result for the same seed, and another for another seed', () => {
    const a = simulate({ ...base, seed: 5 });
    expect(simulate({ ...base, seed: 5 })).toEqual(a);
    expect(simulate({ ...base, seed: 6 }).completion.p99).not.toBe(a.completion.p99);
  });

  it('adds the links a flow crosses: rest answers after 3 calls there and back, collaboration completes after 3 messages through the broker', () => {
    const idle = { rate: 1, orders: 2_000, serviceMs: {}, links: { profile: { latencyMs: 10, jitterMs: 0 }, pairs: [] } };
    const rest = simulate({ ...base, ...idle, style: 'rest' });
    expect(rest.accept.p50).toBeCloseTo(60, 6);
    // billing there and back, notification there, auth there and back: then the user is told
    expect(rest.completion.p50).toBeCloseTo(50, 6);
    const collaboration = simulate({ ...base, ...idle, style: 'collaboration' });
    expect(collaboration.accept.p50).toBeCloseTo(0, 6);
    expect(collaboration.completion.p50).toBeCloseTo(60, 6);
  });

  it('reports utilisation as rate × service time ÷ servers', () => {
    const r = simulate({ ...base, style: 'collaboration', rate: 500, orders: 50_000, servers: { order: 2 }, links: undefined });
    // order handles 2 per order at 0.8 ms: 500/s × 1.6 ms ÷ 2 servers = 0.4
    expect(r.utilisation['order']).toBeCloseTo(0.4, 1);
    expect(r.utilisation['nats']).toBeCloseTo(0.15, 1);
  });

  it('puts every handling on one machine’s cores when asked', () => {
    const r = simulate({ ...base, style: 'collaboration', rate: 100, orders: 20_000, links: undefined, machineCores: 2 });
    // per order: gateway 0.5 + order 2 × 0.8 + billing 0.6 + notification 1 + 3 messages × 0.1 = 4 ms; 100/s on 2 cores
    expect(Object.keys(r.utilisation)).toEqual(['machine']);
    expect(r.utilisation['machine']).toBeCloseTo(0.2, 1);
  });

  it('puts the links’ CPU on the machine’s cores too, once per crossing, when it is given', () => {
    const one = { ...base, style: 'collaboration' as const, rate: 100, orders: 20_000, machineCores: 2, links: { profile: { latencyMs: 0, jitterMs: 0 }, pairs: [] } };
    const without = simulate(one);
    const withLinks = simulate({ ...one, linkCpuMs: 0.5 });
    // 6 crossings × 0.5 ms = 3 ms more per order: at 100/s on 2 cores, 0.15 more of the machine busy
    expect(withLinks.utilisation['machine']! - without.utilisation['machine']!).toBeCloseTo(0.15, 1);
    expect(withLinks.completion.p50).toBeGreaterThan(without.completion.p50 + 2.5);
    // without a machine to share, a link's CPU is its own (the stations' servers are the services')
    expect(simulate({ ...one, machineCores: undefined, linkCpuMs: 0.5 })).toEqual(simulate({ ...one, machineCores: undefined }));
  });

  it('holds the orders while a consumer is down and drains them when it is back', () => {
    const r = simulate({ ...base, style: 'collaboration', rate: 100, orders: 3_000, links: undefined, down: { station: 'notification', fromMs: 10_000, toMs: 15_000 } });
    expect(r.failed).toBe(0);
    expect(r.outage?.peakBacklog).toBeGreaterThan(400);
    expect(r.outage?.recoveryMs).not.toBeNull();
    expect(r.completion.p99).toBeGreaterThan(1_000);
  });

  it('fails the orders that need a down service before the answer', () => {
    const r = simulate({ ...base, style: 'rest', rate: 100, orders: 3_000, links: undefined, down: { station: 'billing', fromMs: 10_000, toMs: 15_000 } });
    expect(r.failed).toBeGreaterThan(400);
    expect(r.failed).toBeLessThan(600);
  });
});
