import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareUsers } from './load.ts';

/** A stand-in for the gateway's public API: registration and login answer, deposits as `deposit` says. */
async function fakeApi(deposit: (n: number) => { status: number; body: object }): Promise<{ url: string; deposits: (string | undefined)[] }> {
  const deposits: (string | undefined)[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const send = (status: number, body: object) => res.writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' }).end(JSON.stringify(body));
      if (req.url === '/auth/register') return send(201, { id: 'u1' });
      if (req.url === '/auth/login') return send(200, { accessToken: 't1' });
      deposits.push(req.headers['idempotency-key'] as string | undefined);
      const answer = deposit(deposits.length);
      return send(answer.status, answer.body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, deposits };
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const unavailable = { status: 503, body: { type: 'about:blank', title: 'A service this request needs is unavailable', status: 503, detail: 'The auth service is unavailable.' } };

describe('prepareUsers', () => {
  it('sends a deposit again, with the same idempotency key, when a service it needs did not answer (503)', async () => {
    const api = await fakeApi((n) => (n < 3 ? unavailable : { status: 201, body: { balance: 1 } }));
    const prepared = await prepareUsers(api.url, 1);
    expect(prepared.tokens).toEqual(['t1']);
    expect(api.deposits).toHaveLength(3);
    expect(new Set(api.deposits).size).toBe(1);
  });

  it('fails a deposit the system refuses, saying why in one line', async () => {
    const api = await fakeApi(() => ({ status: 400, body: { status: 400, detail: 'amount must be positive' } }));
    await expect(prepareUsers(api.url, 1)).rejects.toThrow(/^setup: deposit for bench-\S+@example\.com answered 400: amount must be positive$/);
    expect(api.deposits).toHaveLength(1);
  });
});
