import { describe, expect, it } from 'vitest';
import type { NatsConnection } from '@nats-io/transport-node';
import { followBrokerConnection, followElections } from './bus.ts';

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

/** A relay that counts what it was told. */
function aRelay() {
  const told = { lost: 0, back: 0, elections: 0 };
  return { told, relay: { brokerLost: () => void told.lost++, brokerBack: () => void told.back++, leaderElected: () => void told.elections++ } };
}

describe("a relay's elections on a cluster", () => {
  it('are the advisories of its own stream and its consumers, and every reconnect, whose advisories were missed', async () => {
    const { nc, subscriptions } = aConnection(['disconnect', 'reconnect', 'disconnect', 'reconnect']);
    const { told, relay } = aRelay();
    followElections(nc, 'NS_ORDERS', relay);
    await followBrokerConnection(nc, relay, { reconnectIsElection: true });

    expect([...subscriptions.keys()]).toEqual([
      '$JS.EVENT.ADVISORY.STREAM.LEADER_ELECTED.NS_ORDERS',
      '$JS.EVENT.ADVISORY.CONSUMER.LEADER_ELECTED.NS_ORDERS.*',
    ]);
    // Two reconnects; the disconnects count for nothing.
    expect(told).toEqual({ lost: 2, back: 2, elections: 2 });
    for (const advise of subscriptions.values()) advise();
    expect(told.elections).toBe(4);
  });

  it('on one server a reconnect is only a reconnect', async () => {
    const { nc } = aConnection(['disconnect', 'reconnect']);
    const { told, relay } = aRelay();
    await followBrokerConnection(nc, relay);
    expect(told).toEqual({ lost: 1, back: 1, elections: 0 });
  });
});
