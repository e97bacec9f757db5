import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { now } from './clock.ts';

/** One notification delivery as the sink saw it first. */
export interface Delivery {
  readonly orderId: string;
  /** the body's `type`, if it was a string */
  readonly type: string | undefined;
  /** on `clock.now()` (ms), stamped when the request's headers arrived */
  readonly receivedAt: number;
  /** the parsed JSON body; {} when the sink keeps no bodies */
  readonly body: Readonly<Record<string, unknown>>;
}

export type WaitResult = { readonly ok: true } | { readonly ok: false; readonly missing: readonly string[] };

export interface SinkOptions {
  /** default '127.0.0.1' */
  readonly host?: string;
  /** default 0 (a free port) */
  readonly port?: number;
  /** bytes; larger bodies get 413; default 1 MiB */
  readonly maxBodyBytes?: number;
  /**
   * keep each delivery's body; default true. A soak reads only the times: at 175 orders/s ten minutes
   * of bodies are some hundred MiB of the measuring process's heap, whose major GCs then stall the load
   * it sends and the deliveries it times.
   */
  readonly keepBodies?: boolean;
}

export interface DeliverySink {
  /** base URL, e.g. http://127.0.0.1:41234; deliveries go to `${url}/deliveries` */
  readonly url: string;
  /** distinct orderIds received */
  readonly count: number;
  /** deliveries accepted (204), repeats included */
  readonly total: number;
  /** deliveries for an orderId already received (at-least-once repeats) */
  readonly duplicates: number;
  /** when the first delivery for `orderId` arrived, on `clock.now()` (ms) */
  receivedAt(orderId: string): number | undefined;
  delivery(orderId: string): Delivery | undefined;
  /** Resolves when every id has arrived, or at the deadline (or close) with the ones still missing. */
  waitFor(orderIds: Iterable<string>, timeoutMs: number): Promise<WaitResult>;
  /** Answers the next `n` deliveries with `status` (default 503) without recording them. */
  failNext(n: number, status?: number): void;
  /** Called for each first delivery of an orderId; returns an unsubscribe function. */
  onDelivery(listener: (d: Delivery) => void): () => void;
  close(): Promise<void>;
}

interface Waiter {
  readonly pending: Set<string>;
  readonly settle: (r: WaitResult) => void;
}

/** Starts an HTTP server that records `POST /deliveries` by `orderId` (204), 400 on a bad body. */
export async function startSink(opts: SinkOptions = {}): Promise<DeliverySink> {
  const maxBodyBytes = opts.maxBodyBytes ?? 1024 * 1024;
  const deliveries = new Map<string, Delivery>();
  const waiters = new Set<Waiter>();
  const listeners = new Set<(d: Delivery) => void>();
  let total = 0;
  let failures: { left: number; status: number } = { left: 0, status: 503 };

  const record = (d: Delivery): void => {
    total++;
    if (deliveries.has(d.orderId)) return;
    deliveries.set(d.orderId, opts.keepBodies === false ? { ...d, body: {} } : d);
    for (const w of waiters) if (w.pending.delete(d.orderId) && w.pending.size === 0) w.settle({ ok: true });
    for (const l of listeners) l(d);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const receivedAt = now();
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/deliveries') return reply(res, 404, 'not found');
    if (req.method !== 'POST') return reply(res, 405, 'method not allowed');
    if (failures.left > 0) {
      failures.left--;
      req.resume();
      return reply(res, failures.status, 'failing on purpose');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBodyBytes) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > maxBodyBytes) return reply(res, 413, 'body too large');
      const parsed = parseDelivery(Buffer.concat(chunks).toString('utf8'), receivedAt);
      if (typeof parsed === 'string') return reply(res, 400, parsed);
      record(parsed);
      reply(res, 204);
    });
  };

  const server = createServer({ keepAlive: true }, handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    get count() {
      return deliveries.size;
    },
    get total() {
      return total;
    },
    get duplicates() {
      return total - deliveries.size;
    },
    receivedAt: (orderId) => deliveries.get(orderId)?.receivedAt,
    delivery: (orderId) => deliveries.get(orderId),
    waitFor(orderIds, timeoutMs) {
      const pending = new Set([...orderIds].filter((id) => !deliveries.has(id)));
      if (pending.size === 0) return Promise.resolve({ ok: true });
      return new Promise<WaitResult>((resolve) => {
        const waiter: Waiter = {
          pending,
          settle: (result) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(result);
          },
        };
        const timer = setTimeout(() => waiter.settle({ ok: false, missing: [...pending] }), timeoutMs);
        waiters.add(waiter);
      });
    },
    failNext(n, status = 503) {
      if (!(Number.isSafeInteger(n) && n >= 0)) throw new RangeError(`n must be an integer >= 0, got ${n}`);
      failures = { left: n, status };
    },
    onDelivery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const w of waiters) w.settle({ ok: false, missing: [...w.pending] });
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function parseDelivery(text: string, receivedAt: number): Delivery | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const { orderId: id, type } = body as Record<string, unknown>;
  const orderId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : id;
  if (typeof orderId !== 'string' || orderId === '') return 'orderId must be a non-empty string';
  return { orderId, type: typeof type === 'string' ? type : undefined, receivedAt, body: body as Record<string, unknown> };
}

function reply(res: ServerResponse, status: number, message?: string): void {
  if (message === undefined) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify({ status, message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}
