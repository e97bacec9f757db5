import { describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { followElections } from './bus.ts';

/** A connection that records its subscriptions and plays the given status changes. */
function aConnection(statuses: readonly string[]) {
  const subscriptions = new Map<string, () => void>();
  const nc = {
    subscribe: (subject: string, opts: { callback: () => void }) => {
      subscriptions.set(subject, opts.callback);
      return {} as never;
    },
    status: () =>
      (async function* () {
        for (const type of statuses) yield { type };
      })(),
  } as unknown as Pick<NatsConnection, 'subscribe' | 'status'>;
  return { nc, subscriptions };
}

describe("a relay's elections on a cluster", () => {
  it('are the advisories of its own stream and its consumers, and every reconnect, whose advisories were missed', async () => {
    const { nc, subscriptions } = aConnection(['disconnect', 'reconnect', 'disconnect', 'reconnect']);
    let elections = 0;
    followElections(nc, 'NS_ORDERS', { leaderElected: () => elections++ });
    await new Promise((resolve) => setImmediate(resolve));

    expect([...subscriptions.keys()]).toEqual([
      '$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.NS_ORDERS',
      '$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.NS_ORDERS.*',
    ]);
    // Two reconnects; the disconnects count for nothing.
    expect(elections).toBe(2);
    for (const advise of subscriptions.values()) advise();
    expect(elections).toBe(4);
  });
});
