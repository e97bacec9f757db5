import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { BalancedPool, Pool, type Dispatcher } from 'undici';
import { collect } from '../../platform/http/collect.ts';
import { problem, type Problem } from '../../platform/http/problem.ts';

/**
 * Headers that describe one connection, not the message (RFC 9110 §7.6.1), so they are not passed
 * on in either direction; `host` and `content-length` are set again for the next hop, and `expect`
 * is answered by this server (undici refuses to send it).
 */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'host', 'content-length', 'expect']);

/** Response headers not copied to the client: the connection's own, and the body's framing, which Fastify sets. */
const HOP_BY_HOP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization']);

/**
 * keep-alive connections to each replica; what the proxy used before opened, and far more than the
 * requests a service answers at once on this machine
 */
const CONNECTIONS = 128;
/** ms an idle connection to a service is kept; under the services' own 72 s, so they never close one first */
const KEEP_ALIVE_MS = 30_000;
/**
 * ms a service has to begin and to finish its answer. A live service answers well within it (its own
 * calls to other services give up after 5 s); one that hangs gets the client a 503 naming it after this
 * instead of undici's 300 s, and before an ingress's usual 60 s turns it into a bare 504.
 */
const ANSWER_TIMEOUT_MS = 30_000;

export interface Upstream {
  /** Sends the request on to the service and sends its answer back, or the 503 naming the service. */
  forward(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  close(): Promise<void>;
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer | undefined;
}

/**
 * Forwards to one service over keep-alive connections (undici's BalancedPool over several replicas),
 * with undici's `dispatch`: the request body as Fastify read it, the answer collected whole. The
 * answers are small JSON, so this skips the stream pair a streaming proxy builds per request.
 */
export function upstream(service: string, urls: readonly string[]): Upstream {
  const options = { connections: CONNECTIONS, keepAliveTimeout: KEEP_ALIVE_MS, headersTimeout: ANSWER_TIMEOUT_MS, bodyTimeout: ANSWER_TIMEOUT_MS };
  const dispatcher: Dispatcher = urls.length === 1 ? new Pool(urls[0]!, options) : new BalancedPool([...urls], options);
  const unavailable: Problem = problem('service-unavailable', `The ${service} service is unavailable.`, { service });
  return {
    async forward(request, reply) {
      const body = request.body;
      let answer: Answer;
      try {
        answer = await collect(
          dispatcher,
          {
            method: request.method as Dispatcher.HttpMethod,
            path: request.url,
            headers: forwardedHeaders(request.headers, request.ip),
            body: Buffer.isBuffer(body) && body.length > 0 ? body : null,
          },
          toAnswer,
        );
      } catch (error) {
        request.log.warn({ err: error, service }, 'upstream failed');
        return reply.code(unavailable.status).type('application/problem+json').send(unavailable);
      }
      return reply.code(answer.status).headers(answer.headers).send(answer.body);
    },
    close: () => dispatcher.close().catch(() => undefined),
  };
}

/**
 * The client's headers for the service: without the hop-by-hop ones (and those the client's
 * Connection names), and X-Forwarded-For replaced by the address the client connected from. The
 * services limit requests per client address and trust only the gateway, so a client cannot name
 * another address.
 */
function forwardedHeaders(incoming: IncomingHttpHeaders, ip: string): Record<string, string | string[]> {
  const named = incoming.connection;
  const dropped = named ? named.toLowerCase().split(',').map((s) => s.trim()) : undefined;
  const out: Record<string, string | string[]> = {};
  for (const name in incoming) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('proxy-') || dropped?.includes(name)) continue;
    out[name] = value;
  }
  out['x-forwarded-for'] = ip;
  return out;
}

/** The service's answer as it came, its connection headers left out. */
function toAnswer(status: number, raw: Buffer[], body: Buffer | undefined): Answer {
  const headers: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    if (HOP_BY_HOP_RESPONSE.has(name)) continue;
    const value = raw[i + 1]!.toString('latin1');
    const seen = headers[name];
    headers[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return { status, headers, body };
}
