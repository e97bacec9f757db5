import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/nats.ts';
import { descendantsOf, isAlive } from './support/processes.ts';
import { aFundedUser, call, startUp } from './support/up.ts';
import { TOPOLOGIES } from '../src/model/topology.ts';

/**
 * SIGTERM to `interplay up` (issue 15, Stopping): in every style and topology the command exits
 * within 3 s with code 0, leaves no process behind (services, gateway, nats-server), and every
 * order it acknowledged with 201 is finished (paid or rejected, and notified) by the next start on
 * the same data directory.
 */

const STYLES = ['rest', 'notification', 'collaboration'] as const;
/** ms a stop may take as a user sees it: the 2 s the system promises, plus a loaded machine's slack */
const STOP_BOUND_MS = 3_000;
/** enough for 20 orders of 100: the rest are rejected, so both outcomes are in flight at the stop */
const DEPOSIT = 2_000;
const ORDER_AMOUNT = 100;
/** orders placed at once, a small load */
const CONCURRENCY = 4;

/** Places orders from CONCURRENCY clients until told to stop; collects the ids answered with 201. */
function placeOrders(base: string, token: string) {
  const acknowledged: string[] = [];
  let stopped = false;
  const clients = Array.from({ length: CONCURRENCY }, async () => {
    while (!stopped) {
      try {
        const res = await call(base, 'POST', '/orders', { token, body: { amount: ORDER_AMOUNT }, headers: { 'idempotency-key': randomUUID() } });
        if (res.status === 201) acknowledged.push(res.body.id as string);
      } catch {
        return; // the system is gone: refused connections are what a client sees during a stop
      }
    }
  });
  return {
    acknowledged,
    async stop() {
      stopped = true;
      await Promise.all(clients);
    },
  };
}

async function stopWithin(style: string, topology: string, load: boolean) {
  const data = await mkdtemp(join(tmpdir(), 'interplay-stop-'));
  const args = ['--style', style, '--topology', topology, '--data', data];
  const up = startUp(args);
  try {
    const base = await up.url;
    const token = load ? await aFundedUser(base, DEPOSIT) : undefined;
    const orders = token ? placeOrders(base, token) : undefined;
    // Let orders be in every stage (accepted, paying, notifying) when the signal comes.
    await eventually(() => !orders || orders.acknowledged.length >= 3, { what: 'orders in flight', timeoutMs: 20_000 });
    const started = descendantsOf(up.child.pid!);
    const signalled = Date.now();
    up.child.kill('SIGTERM');
    const exit = await up.exited;
    await orders?.stop();

    expect({ code: exit.code, signal: exit.signal }, up.stderr()).toEqual({ code: 0, signal: null });
    expect(exit.at - signalled, up.stderr()).toBeLessThanOrEqual(STOP_BOUND_MS);
    expect(started.filter(isAlive), 'processes left running').toEqual([]);
    if (!orders || !token) return;

    // The next start on the same data finishes what the stopped one acknowledged.
    const again = startUp(args);
    try {
      const next = await again.url;
      for (const id of orders.acknowledged) {
        const order = await eventually(
          async () => {
            const res = await call(next, 'GET', `/orders/${id}`, { token });
            return res.status === 200 && res.body.status !== 'pending' ? res.body : undefined;
          },
          { what: `order ${id} to be finished`, timeoutMs: 30_000, intervalMs: 100 },
        );
        expect(['paid', 'rejected']).toContain(order.status);
      }
      const notified = await eventually(
        async () => {
          const res = await call<{ orderId: string }[]>(next, 'GET', '/notifications', { token });
          const ids = new Set(res.status === 200 ? res.body.map((n) => n.orderId) : []);
          return orders.acknowledged.every((id) => ids.has(id)) ? ids : undefined;
        },
        { what: 'a notification for every acknowledged order', timeoutMs: 30_000, intervalMs: 100 },
      );
      expect(notified.size).toBeGreaterThanOrEqual(orders.acknowledged.length);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  } finally {
    up.child.kill('SIGKILL');
    await rm(data, { recursive: true, force: true });
  }
}

describe('SIGTERM to `interplay up`', () => {
  for (const topology of TOPOLOGIES) {
    for (const style of STYLES) {
      it(`${style}, ${topology}, idle: exits 0 within 3 s and leaves no process`, () => stopWithin(style, topology, false), 90_000);
      it(`${style}, ${topology}, under load: exits 0 within 3 s, leaves no process, and the next start finishes every acknowledged order`, () =>
        stopWithin(style, topology, true), 180_000);
    }
  }
});
