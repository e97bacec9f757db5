import { existsSync } from 'node:fs';
import { connect } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
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
