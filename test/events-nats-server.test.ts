import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { eventually } from './support/nats.ts';
import { NatsServerNotFound, resolveNats, startPrivateNatsServer } from '../src/runtime/nats-server.ts';

describe('private nats-server', () => {
  it('starts with JetStream on a free port and stop() ends it and removes its store', async () => {
    const server = await startPrivateNatsServer();
    const nc = await connect({ servers: server.url });
    expect(nc.info?.jetstream).toBe(true);
    await nc.close();
    expect(existsSync(server.storeDir)).toBe(true);
    await server.stop();
    expect(existsSync(server.storeDir)).toBe(false);
    await expect(connect({ servers: server.url, reconnect: false, timeout: 1_000 })).rejects.toThrow();
  });

  it('halt and resume: a crashed broker comes back on the same URL with its unconsumed messages, and a client reconnects by itself', async () => {
    const server = await startPrivateNatsServer();
    try {
      const nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: 'KEPT', subjects: ['kept.>'] });
      await jetstream(nc).publish('kept.one', 'before the crash');
      const firstPid = server.pid;

      await server.halt('SIGKILL');
      await expect(connect({ servers: server.url, reconnect: false, timeout: 500 })).rejects.toThrow();
      await server.resume();

      expect(server.pid).not.toBe(firstPid);
      // The old connection finds the server again (a request sent while it reconnects may time out)
      // and the stream still holds the message.
      const messages = await eventually(async () => (await (await jetstreamManager(nc, { timeout: 1_000 })).streams.info('KEPT')).state.messages, {
        timeoutMs: 10_000,
        what: 'the stream, read over the reconnected connection',
      });
      expect(messages).toBe(1);
      await nc.close();
    } finally {
      await server.stop();
    }
    expect(existsSync(server.storeDir)).toBe(false);
  });

  it('says how to get nats-server when there is none', async () => {
    const missing = startPrivateNatsServer({ binary: '/nonexistent/nats-server' });
    await expect(missing).rejects.toBeInstanceOf(NatsServerNotFound);
    await expect(missing).rejects.toThrow(/apt-get install nats-server[\s\S]*brew install nats-server[\s\S]*--nats nats:\/\/127\.0\.0\.1:4222/);
  });

  it('resolveNats - prefers an explicit URL and starts nothing for it', async () => {
    const resolved = await resolveNats({ url: 'nats://example.invalid:4222' });
    expect(resolved).toMatchObject({ url: 'nats://example.invalid:4222', source: 'explicit' });
    await resolved.stop();
  });
});
