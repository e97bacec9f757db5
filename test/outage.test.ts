import { describe, expect, it } from 'vitest';
import { renderAnomalies } from '../src/analyse/index.ts';
import { runOutage, type OutageCell } from '../src/measure/faults/outage.ts';
import type { Style } from '../src/model/style.ts';

/** The outage matrix at small scale: billing stopped for 3 s in a 9 s window. */
async function billingOutage(style: Style): Promise<Extract<OutageCell, { applies: true }>> {
  const result = await runOutage({
    styles: [style],
    components: ['billing'],
    downMs: 3_000,
    users: 6,
    rate: 15,
    durationMs: 9_000,
    warmupMs: 1_000,
    drainMs: 30_000,
    maxInflight: 100,
    // Every order affordable: an accepted order must end paid.
    insufficient: 0,
    seed: 1,
    argv: [],
  });
  const cell = result.styles[0]?.cells[0];
  if (!cell?.applies) throw new Error('the billing cell was not measured');
  expect(cell.anomalies, renderAnomalies(cell.anomalies)).toEqual([]);
  return cell;
}

describe('the outage matrix with billing stopped', () => {
  it('rest: no paid order is accepted while billing is down, and nothing is lost', { timeout: 90_000 }, async () => {
    const cell = await billingOutage('rest');

    expect(cell.during.sent).toBeGreaterThan(30);
    // POST /orders answers 201 only once billing has paid. The window ends when billing is back; an
    // order sent in the very millisecond before that may already find it, so at most one gets through.
    expect(cell.during.accepted).toBeLessThanOrEqual(1);
    expect(cell.before.accepted).toBeGreaterThan(30);
    expect(cell.completedShareAll).toBe(1);
    // The cost the client cannot see: each refused order was created before billing failed it, and
    // the recovery sweep paid it once billing was back.
    expect(cell.placedAnyway).toBeGreaterThanOrEqual(cell.during.sent - 1);
  });

  it('collaboration: every order is accepted while billing is down, and completed after it is back', { timeout: 90_000 }, async () => {
    const cell = await billingOutage('collaboration');

    expect(cell.during.sent).toBeGreaterThan(30);
    expect(cell.acceptedShare).toBe(1);
    expect(cell.completedShare).toBe(1);
    expect(cell.placedAnyway).toBe(0);
    expect(cell.drainMs).not.toBeNull();
    // Recovery: from billing's return until every order accepted before it was notified, the ones accepted during it included.
    expect(cell.recovery).toMatchObject({ unfinished: 0, orders: cell.before.accepted + cell.during.accepted });
    expect(cell.recovery.ms).toBeGreaterThanOrEqual(cell.drainMs ?? Infinity);
    // Orders placed during the outage wait for billing: their completion is slower than before it.
    expect(cell.p99During).toBeGreaterThan(cell.p99Before ?? Infinity);
  });
});

describe('the outage matrix with the broker restarted', () => {
  it('notification: nats-server stopped (SIGTERM) under load and started again: every order accepted is settled and notified', { timeout: 120_000 }, async () => {
    // nats-server 2.9 acknowledges publishes while it shuts down and an interest stream drops them; the
    // relays publish again what went out just before the connection was lost (REPUBLISH_BEFORE_LOSS_MS).
    // At 40 orders/s, 120 events a second: some are published while the broker shuts down.
    const result = await runOutage({
      styles: ['notification'],
      components: ['nats'],
      downMs: 3_000,
      users: 6,
      rate: 40,
      durationMs: 9_000,
      warmupMs: 1_000,
      drainMs: 30_000,
      maxInflight: 200,
      insufficient: 0,
      seed: 1,
      argv: [],
    });
    const cell = result.styles[0]?.cells[0];
    if (!cell?.applies) throw new Error('the nats cell was not measured');
    expect(cell.anomalies, renderAnomalies(cell.anomalies)).toEqual([]);
    expect(cell.acceptedShare).toBe(1);
    expect(cell.completedShare).toBe(1);
    expect(cell.recovery).toMatchObject({ unfinished: 0, ms: expect.any(Number) });
    expect(cell.recovery.orders).toBe(cell.before.accepted + cell.during.accepted);
  });
});
