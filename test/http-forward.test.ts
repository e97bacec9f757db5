import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../src/transports/http/gateway.ts';
import { ADDRESS_BLOCKED_HEADER } from '../src/platform/http/blocked-addresses.ts';

/** What the service behind the gateway saw of the last request. */
let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string } = { headers: {}, body: '' };

/** A service that records what reached it and answers with a teapot, two cookies and a header of its own. */
function startService(): Promise<Server> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-service', 'yes');
      if (req.url?.startsWith('/auth/login')) res.setHeader(ADDRESS_BLOCKED_HEADER, '60000');
      res.writeHead(418, { 'content-type': 'application/json' }).end(JSON.stringify({ teapot: true }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A raw HTTP/1.1 request, so the test can send the connection headers a fetch client would not. */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const req = httpRequest(new URL(path, url), { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the gateway passes requests on', () => {
  let service: Server;
  let gateway: FastifyInstance;
  let url: string;
  beforeAll(async () => {
    service = await startService();
    const at = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
    gateway = await buildGateway({ style: 'rest', upstreams: { auth: [at], billing: [at], order: [at], notification: [at] } });
    url = await gateway.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await gateway?.close();
    service?.close();
  });

  it('with its path, query and body, without the connection headers, and X-Forwarded-For replaced by the client address', async () => {
    await send(url, 'POST', '/orders/x/y?limit=5&cursor=a%20b', {
      connection: 'keep-alive, x-per-hop',
      'x-per-hop': 'drop me',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      'proxy-authorization': 'Basic eA==',
      'x-forwarded-for': '10.9.9.9',
      'content-type': 'application/json',
      'x-kept': 'kept',
    }, '{"a":1}');

    expect(seen).toMatchObject({ method: 'POST', url: '/orders/x/y?limit=5&cursor=a%20b', body: '{"a":1}' });
    expect(seen.headers).toMatchObject({ 'x-forwarded-for': '127.0.0.1', 'x-kept': 'kept', 'content-type': 'application/json' });
    for (const name of ['x-per-hop', 'keep-alive', 'te', 'proxy-authorization']) expect(seen.headers[name]).toBeUndefined();
  });

  it.each(['/auth', '/billing/account', '/orders', '/notifications?limit=1'])('%s answers with the service’s status, headers and body unchanged', async (path) => {
    const res = await send(url, 'GET', path, {});

    expect(seen.url).toBe(path);
    expect(res.status).toBe(418);
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-service']).toBe('yes');
    expect(JSON.parse(res.text)).toEqual({ teapot: true });
  });

  it("auth's blocked-address hint is taken off the answer, and the address's next login is refused at the gateway", async () => {
    const first = await send(url, 'POST', '/auth/login', { 'content-type': 'application/json' }, '{}');
    seen = { headers: {}, body: '' };
    const second = await send(url, 'POST', '/auth/login', { 'content-type': 'application/json' }, '{}');

    expect(first.status).toBe(418);
    expect(first.headers[ADDRESS_BLOCKED_HEADER]).toBeUndefined();
    expect(second.status).toBe(429);
    expect(seen.url).toBeUndefined();
  });

  it('a chunked body over 64 KiB is refused with 413 problem+json at the gateway and never reaches the service', async () => {
    seen = { headers: {}, body: '' };
    const res = await send(url, 'POST', '/orders', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, 'x'.repeat(65 * 1024));

    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({ status: 413 });
    expect(JSON.parse(res.text).type).toMatch(/payload-too-large$/);
    expect(seen.url).toBeUndefined();
  });
});
