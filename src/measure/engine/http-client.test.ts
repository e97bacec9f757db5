import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createJsonClient } from './http-client.ts';
import type { JsonClient } from './http-client.ts';

let server: Server;
let client: JsonClient;
const hanging: ServerResponse[] = [];
const hangs = new EventEmitter();

beforeEach(async () => {
  server = createServer((req, res) => {
    if (req.url === '/hang') {
      hanging.push(res); // answered only when the test says so
      hangs.emit('hang');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = req.url === '/missing' ? 404 : 201;
      const body = JSON.stringify({ method: req.method, type: req.headers['content-type'], got: Buffer.concat(chunks).toString() });
      res.writeHead(status, { 'content-type': 'application/json' }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createJsonClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: 2 });
});

afterEach(async () => {
  hangs.removeAllListeners();
  for (const res of hanging.splice(0)) res.writeHead(200).end();
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('json client', () => {
  it('sends a JSON body and parses the JSON answer', async () => {
    const res = await client.request({ method: 'POST', path: '/orders', body: { amount: 300 } });
    expect(res.status).toBe(201);
    expect(res.data).toEqual({ method: 'POST', type: 'application/json', got: '{"amount":300}' });
  });

  it('resolves, not rejects, for error statuses', async () => {
    expect((await client.request({ method: 'GET', path: '/missing' })).status).toBe(404);
  });

  it('rejects with an AbortError when the signal aborts a request that hangs', async () => {
    const abort = new AbortController();
    const pending = client.request({ method: 'GET', path: '/hang', signal: abort.signal });
    setTimeout(() => abort.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('json client under a full pool', () => {
  it('rejects a queued request as soon as its signal aborts, before it ever gets a socket', async () => {
    let hung = 0;
    const bothHanging = new Promise<void>((resolve) => hangs.on('hang', () => ++hung === 2 && resolve()));
    const first = client.request({ method: 'GET', path: '/hang' });
    const second = client.request({ method: 'GET', path: '/hang' });
    await bothHanging; // both sockets are busy now
    const abort = new AbortController();
    const queued = client.request({ method: 'GET', path: '/orders', signal: abort.signal });
    abort.abort();
    await expect(queued).rejects.toMatchObject({ name: 'AbortError' });
    for (const res of hanging.splice(0)) res.writeHead(200).end();
    expect((await Promise.all([first, second])).map((r) => r.status)).toEqual([200, 200]);
  });
});
