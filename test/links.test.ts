import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createRandom } from '../src/model/random.ts';
import { freePort } from '../src/runtime/nats-server.ts';
import { LINK_SPEC_ENV, type LinkSpec } from '../src/runtime/links/link-process.ts';
import { newCounters, startRelay, type Relay } from '../src/runtime/links/relay.ts';
import type { LinkProfile } from '../src/runtime/links/profile.ts';

const BIN = fileURLToPath(new URL('../bin/interplay', import.meta.url));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A TCP server that writes back whatever it reads, and the sockets it holds. */
async function echoServer(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { server, port: (server.address() as AddressInfo).port, sockets };
}

async function relayTo(port: number, profile: LinkProfile): Promise<{ relay: Relay; counters: ReturnType<typeof newCounters> }> {
  const counters = newCounters();
  const relay = await startRelay({ host: '127.0.0.1', port: 0, target: { host: '127.0.0.1', port }, profile, random: createRandom(7), counters });
  cleanups.push(() => relay.close());
  return { relay, counters };
}

async function open(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await once(socket, 'connect');
  cleanups.push(() => socket.destroy());
  return socket;
}

/** ms from writing `message` to reading it all back */
async function roundTrip(socket: Socket, message: Buffer): Promise<number> {
  const start = performance.now();
  let got = 0;
  const done = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer) => {
      got += chunk.length;
      if (got >= message.length) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  socket.write(message);
  await done;
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('a link', () => {
  it('adds its configured latency each way, within 10 % at the median', async () => {
    const echo = await echoServer();
    const { relay, counters } = await relayTo(echo.port, { latencyMs: 20, jitterMs: 5 });
    const direct = await open(echo.port);
    const linked = await open(relay.port);
    const message = Buffer.from('ping '.repeat(20));
    const directTimes: number[] = [];
    const linkedTimes: number[] = [];
    for (let i = 0; i < 60; i++) {
      directTimes.push(await roundTrip(direct, message));
      linkedTimes.push(await roundTrip(linked, message));
    }
    // 20 ms there and 20 ms back: what the link adds to a round trip is 40 ms at the median.
    const added = median(linkedTimes) - median(directTimes);
    expect(added).toBeGreaterThan(36);
    expect(added).toBeLessThan(44);
    expect(counters.forward).toBe(60 * message.length);
    expect(counters.backward).toBe(60 * message.length);
    expect(counters.connections).toBe(1);
  });

  it('holds traffic on a stall, and delivers every byte in order', async () => {
    const echo = await echoServer();
    const { relay, counters } = await relayTo(echo.port, { latencyMs: 0, jitterMs: 0, stall: { p: 0.5, ms: 150 } });
    const socket = await open(relay.port);
    const sent = Buffer.alloc(2 * 1024 * 1024);
    for (let i = 0; i < sent.length; i += 4) sent.writeUInt32LE(i, i);
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const start = performance.now();
    // Written in 64 KiB pieces, so the link sees many chunks and stalls on some of them.
    for (let i = 0; i < sent.length; i += 64 * 1024) socket.write(sent.subarray(i, i + 64 * 1024));
    socket.end();
    await once(socket, 'end');
    const elapsed = performance.now() - start;
    const back = Buffer.concat(received);
    expect(back.length).toBe(sent.length);
    expect(createHash('sha256').update(back).digest('hex')).toBe(createHash('sha256').update(sent).digest('hex'));
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(counters.forward).toBe(sent.length);
  });

  it('cuts its connections when its process is killed, as a lost host does', async () => {
    const echo = await echoServer();
    const port = await freePort();
    const spec: LinkSpec = {
      name: 'order>billing',
      host: '127.0.0.1',
      statusPort: await freePort(),
      profile: { latencyMs: 1, jitterMs: 0 },
      routes: [{ port, target: { host: '127.0.0.1', port: echo.port } }],
      seed: 1,
    };
    const child = spawn(process.execPath, [BIN, 'link'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, [LINK_SPEC_ENV]: JSON.stringify(spec) } });
    cleanups.push(() => child.kill('SIGKILL'));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (/^ready /m.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`link exited ${code} before it was ready`)));
    });
    const health = (await (await fetch(`http://127.0.0.1:${spec.statusPort}/health`)).json()) as { link: string; pid: number };
    expect(health).toMatchObject({ link: 'order>billing', pid: child.pid });

    const socket = await open(port);
    expect(await roundTrip(socket, Buffer.from('hello'))).toBeGreaterThan(0);
    expect(echo.sockets.size).toBe(1);
    const closed = once(socket, 'close');
    const exited = once(child, 'exit');
    socket.on('error', () => undefined);
    child.kill('SIGKILL');
    await closed;
    // The kernel closes a killed process's sockets one by one: until it is gone, a connection may still
    // reach its listening socket and be reset rather than refused.
    await exited;
    // Both ends lose the connection, and nothing answers where the link was.
    await expect.poll(() => echo.sockets.size).toBe(0);
    const refused = connect({ host: '127.0.0.1', port });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
  });
});
