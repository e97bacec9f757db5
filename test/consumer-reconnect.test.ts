import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { ensureConsumer, ensureStream, newEnvelope, startConsumer, streamsFor } from '../src/platform/events/index.ts';
import { NATS_CLIENT_OPTIONS, NATS_RECONNECT_OPTIONS } from '../src/platform/events/connection.ts';
import { endProcess, findNatsServer, spawnServer, startPrivateNatsServer } from '../src/runtime/nats-server.ts';
import { eventually } from './support/nats.ts';

/**
 * A consumer whose pull lives 30 s (the client's default, what the services use on one nats-server so
 * that nothing wakes at rest) takes events again soon after a broker restart, even when its connection
 * came back before JetStream was ready. Left to the client, the consumer is looked up again only
 * 15 to 45 s after such a reconnect; the consumer follows its connection instead.
 */
describe('a consumer and a broker restart', () => {
  it('an idle consumer with a 30 s pull gets the next event soon after the broker is back, though it first found the broker without JetStream', { timeout: 60_000 }, async () => {
    const server = await startPrivateNatsServer();
    const nc = await connect({ ...NATS_CLIENT_OPTIONS, servers: server.url, ...NATS_RECONNECT_OPTIONS });
    const consumed: string[] = [];
    try {
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const streams = streamsFor('c');
      await ensureStream(jsm, streams.ORDERS);
      await ensureConsumer(jsm, streams.ORDERS.name, { durable: 'a', filterSubject: 'c.orders.created', maxAckPending: 16, ackWaitMs: 2_000, backoffMs: [2_000], maxDeliver: 6 });
      const consumer = await startConsumer({
        js,
        stream: streams.ORDERS.name,
        durable: 'a',
        pullExpiresMs: 30_000,
        connection: nc,
        handler: async (envelope) => {
          consumed.push(envelope.id);
          return { type: 'ack' };
        },
      });
      let reconnects = 0;
      void (async () => {
        for await (const status of nc.status()) if (status.type === 'reconnect') reconnects++;
      })();

      // The broker goes, and on its port first comes a server without JetStream: the connection is back
      // while the JetStream API does not answer, the way a restarted broker is before its streams are loaded.
      await server.halt('SIGTERM');
      const bare = spawnServer(findNatsServer(), ['-a', '127.0.0.1', '-p', new URL(server.url).port]);
      try {
        await eventually(() => reconnects > 0, { what: 'the connection back, to the server without JetStream' });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      } finally {
        await endProcess(bare, 'SIGTERM');
      }
      await server.resume();

      const event = newEnvelope('toy', {});
      // A publish sent while the connection is still finding the server again may time out: sent again.
      await eventually(() => js.publish('c.orders.created', JSON.stringify(event), { timeout: 1_000 }), { what: 'the event published' });
      await eventually(() => consumed.includes(event.id), { what: 'the event consumed' });
      expect(consumed).toEqual([event.id]);
      await consumer.stop();
    } finally {
      await nc.close();
      await server.stop();
    }
  });
});
