import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { problem, type Problem } from './problem.ts';

/**
 * bytes; the request line and headers together, counted by Node's HTTP parser before anything of
 * ours runs. The largest legitimate set (a bearer JWT of ~400 B, traceparent, an Idempotency-Key
 * of at most 255 B, X-Forwarded-For, content headers) is under 2 KiB; 8 KiB is what Apache's
 * LimitRequestFieldSize and nginx's header buffers allow, so a client that works behind them works
 * here, and it is half Node's default, so a flood of large headers costs half the memory.
 */
export const MAX_HEADER_BYTES = 8 * 1024;

/**
 * bytes; refused before routing and query parsing. The longest legitimate URL is a list page with
 * its cursor (`/orders?limit=100&cursor=…`), under 300 B; 2 KiB leaves room for clients that add
 * their own parameters, and is the classic limit of browsers and CDNs.
 */
export const MAX_URL_BYTES = 2 * 1024;

/** characters of one path parameter; ids are at most 64 (schemas.ts), and this is Fastify's default */
export const MAX_PARAM_LENGTH = 100;

/** ms; Fastify's own keep-alive, kept because our server factory replaces the server Fastify would make */
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * The Fastify options that bound a request's size before any parsing work: an HTTP server whose
 * parser stops at MAX_HEADER_BYTES (431), a URL length check ahead of Fastify's router (414), and
 * problem+json for both instead of Fastify's plain JSON. Bodies are bounded by `bodyLimit` (413).
 */
export function boundedRequestOptions() {
  return {
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    serverFactory: (handler: (req: IncomingMessage, res: ServerResponse) => void): Server => {
      const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
        const length = Buffer.byteLength(req.url ?? '');
        if (length <= MAX_URL_BYTES) return handler(req, res);
        const body = problem('uri-too-long', `The URL is ${length} bytes; at most ${MAX_URL_BYTES} are accepted.`);
        // The request is not read: closing the connection spares reading a body nobody wants.
        res.writeHead(body.status, { 'content-type': 'application/problem+json', connection: 'close' }).end(JSON.stringify(body));
      });
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      return server;
    },
    clientErrorHandler: answerClientError,
  };
}

/** Node's parser refused the request: headers too large (431), or not HTTP at all (400). */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body: Problem =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem('headers-too-large', `The request line and headers exceed ${MAX_HEADER_BYTES} bytes.`)
      : problem('invalid-input', 'The request is not valid HTTP.');
  const text = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.status} ${body.title}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }
  socket.destroy(error);
}
