import { describe, expect, it } from 'vitest';
import type { ChaosResult, ChaosStyleResult } from '../measure/faults/chaos.ts';
import { chaosFailed, renderChaos } from './chaos.ts';

const aStyle = (over: Partial<ChaosStyleResult> = {}): ChaosStyleResult => ({
  style: 'rest',
  faults: [
    { type: 'kill', atMs: 1_000, service: 'order', replica: 2, doneAtMs: 1_001, backAtMs: 2_400, recovery: { ms: 1_300, orders: 40, unfinished: 0 } },
    { type: 'kill', atMs: 1_200, service: 'order', replica: 2, skipped: 'not running (still restarting from an earlier kill)' },
    { type: 'broker-restart', atMs: 2_000, doneAtMs: 2_003, backAtMs: 2_900, recovery: { ms: 4_200, orders: 55, unfinished: 0 } },
  ],
  restarts: 1,
  orders: { sent: 300, accepted: 280, keyed: 90, replays: 30, refused: 20, distinctAccepted: 250, completed: 250 },
  settledInMs: 2_500,
  recovery: { kill: { ms: 1_300, orders: 40, unfinished: 0 }, 'broker-restart': { ms: 4_200, orders: 55, unfinished: 0 } },
  anomalies: [],
  ...over,
});

const aResult = (styles: ChaosStyleResult[]): ChaosResult => ({
  schema: 'interplay/chaos@1',
  seed: 9,
  kills: 3,
  config: {
    styles: styles.map((s) => s.style),
    seed: 9,
    kills: 3,
    users: 20,
    rate: 20,
    durationMs: 60_000,
    warmupMs: 3_000,
    drainMs: 30_000,
    settleMs: 90_000,
    maxInflight: 1000,
    insufficient: 0.2,
    replicas: { billing: 2, order: 2, notification: 2 },
    keyed: 0.3,
    replays: 0.1,
    argv: ['chaos', '--seed', '9', '--kills', '3'],
  },
  styles,
});

describe('renderChaos', () => {
  it('gives each style its verdict and what was done to it, and says how to replay the run', () => {
    const text = renderChaos(aResult([aStyle()]));

    expect(text).toContain('rest: no anomalies\n  faults 2 of 3 carried out (1 kill, 1 broker restart), 1 restarts\n');
    expect(text).toContain('  orders 280 of 300 answered 201 (90 keyed, 30 replays), all 250 completed, settled in 2.5 s\n');
    expect(text).toContain('replay this run: interplay chaos --seed 9 --kills 3');
    expect(chaosFailed(aResult([aStyle()]))).toBe(false);
  });

  it('gives each carried-out fault its recovery, and the slowest per kind', () => {
    const text = renderChaos(aResult([aStyle()]));

    expect(text).toContain(
      [
        "  recovery: from the fault's end until every order accepted by then is notified",
        '    kill order#2 at 1.0 s, back at 2.4 s: 1.3 s',
        '    broker restart at 2.0 s, back at 2.9 s: 4.2 s',
        '  slowest recovery: 1.3 s after a kill, 4.2 s after a broker restart',
      ].join('\n'),
    );
    for (const line of text.split('\n').filter((l) => /recovery|back at/.test(l))) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('counts the recovery of overlapping faults from when the last of them was back, and says so', () => {
    const faults = [
      { type: 'kill' as const, atMs: 7_400, service: 'order', replica: 2, doneAtMs: 7_400, backAtMs: 14_900, recoveredFromMs: 23_900, recovery: { ms: 1_500, orders: 900, unfinished: 0 } },
    ];
    const text = renderChaos(aResult([aStyle({ faults, recovery: { kill: faults[0]!.recovery } })]));

    expect(text).toContain('    kill order#2 at 7.4 s, back at 14.9 s, all back at 23.9 s: 1.5 s\n');
  });

  it('says when a fault never recovered: some accepted orders were never notified', () => {
    const faults = [{ type: 'kill' as const, atMs: 1_000, service: 'auth', replica: 1, doneAtMs: 1_000, backAtMs: 1_800, recovery: { ms: null, orders: 90, unfinished: 3 } }];
    const text = renderChaos(aResult([aStyle({ faults, recovery: { kill: faults[0]!.recovery } })]));

    expect(text).toContain('    kill auth#1 at 1.0 s, back at 1.8 s: not reached (3 of 90 orders never notified)\n');
  });

  it('counts the carried-out faults by kind, PostgreSQL ones included', () => {
    const faults = [
      { type: 'kill' as const, atMs: 1_000, service: 'billing', replica: 1, doneAtMs: 1_000 },
      { type: 'kill' as const, atMs: 1_500, service: 'order', replica: 2, doneAtMs: 1_500 },
      { type: 'nats-node-restart' as const, atMs: 2_000, node: 2, doneAtMs: 2_000 },
      { type: 'postgres-restart' as const, atMs: 3_000, doneAtMs: 3_000 },
      { type: 'postgres-terminate' as const, atMs: 3_500, doneAtMs: 3_500, skipped: 'PostgreSQL is still coming back from an earlier fault' },
      { type: 'postgres-terminate' as const, atMs: 9_000, doneAtMs: 9_000 },
    ];
    const text = renderChaos(aResult([aStyle({ style: 'notification', faults })]));

    expect(text).toContain(
      'notification: no anomalies\n  faults 5 of 6 carried out (2 kills, 1 nats node crash, 1 postgres restart, 1 postgres connections ended), 1 restarts\n',
    );
  });

  it('prints every anomaly with its ids, and the run fails', () => {
    const anomaly = { type: 'payment-duplicated' as const, userId: 'u-7', orderId: 'o-42', count: 2, message: 'order o-42 of user u-7 was charged 2 times' };
    const result = aResult([aStyle({ style: 'collaboration', anomalies: [anomaly] })]);

    expect(renderChaos(result)).toContain('collaboration: 1 ANOMALY\n');
    expect(renderChaos(result)).toContain('  payment-duplicated: order o-42 of user u-7 was charged 2 times\n');
    expect(chaosFailed(result)).toBe(true);
  });
});
