import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceMetrics } from '../metrics.ts';
import { serviceClient } from './client.ts';

/** A peer that answers every request with its own name. */
async function aPeer(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('serviceClient', () => {
  it('follows the directory: a service that comes back on another port is found there', async () => {
    const first = await aPeer('first');
    const second = await aPeer('second');
    servers.push(first.server, second.server);
    const directory: Record<string, string> = { billing: first.url };
    const client = serviceClient({ caller: serviceMetrics('order'), target: 'billing', directory, token: async () => 't' });

    const before = await client.get<{ name: string }>({ route: '/x' });
    directory.billing = second.url;
    const after = await client.get<{ name: string }>({ route: '/x' });

    expect([before.body.name, after.body.name]).toEqual(['first', 'second']);
    await client.close();
  });

  it('balances over the replicas the directory lists', async () => {
    const replicas = await Promise.all(['r1', 'r2', 'r3'].map(aPeer));
    servers.push(...replicas.map((r) => r.server));
    const client = serviceClient({
      caller: serviceMetrics('order'),
      target: 'billing',
      directory: { billing: replicas.map((r) => r.url) },
      token: async () => 't',
    });

    const answered = await Promise.all(Array.from({ length: 60 }, () => client.get<{ name: string }>({ route: '/x' })));

    expect(new Set(answered.map((a) => a.body.name))).toEqual(new Set(['r1', 'r2', 'r3']));
    await client.close();
  });
});
