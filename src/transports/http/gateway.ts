import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { BODY_LIMIT } from '../../platform/http/app.ts';
import { boundedRequestOptions } from '../../platform/http/request-size.ts';
import { DEFAULT_OVERLOAD_LIMITS, shedOverload, type OverloadLimits } from '../../platform/http/overload.ts';
import { problem, sendProblem } from '../../platform/http/problem.ts';
import { ADDRESS_BLOCKED_HEADER, blockedAddresses } from '../../platform/http/blocked-addresses.ts';
import { logDestination } from '../../platform/logs.ts';
import { upstream } from './forward.ts';
import { linkHealth, systemHealth, systemMetrics } from './gateway-status.ts';
import { childTraceparent } from '../../platform/events/trace.ts';
import { isRecording, recordServerSpan } from '../../platform/spans.ts';
import { closePromptly } from '../../platform/http/closing.ts';
import { PROCESS_METRICS_PATH, processMetricsRoute } from '../../platform/process-metrics.ts';

export interface GatewayOptions {
  readonly style: string;
  /** base URLs of each service, one per replica; requests are balanced over them */
  readonly upstreams: { readonly auth: readonly string[]; readonly billing: readonly string[]; readonly order: readonly string[]; readonly notification: readonly string[] };
  /** facts about the gateway process itself for /health (pid, replica, restarts) */
  readonly self?: Record<string, unknown>;
  /** pino level; default 'warn' */
  readonly logLevel?: string;
  /** when to shed new requests with 503 before they reach a service; default DEFAULT_OVERLOAD_LIMITS */
  readonly overload?: OverloadLimits;
  /**
   * proxies in front of the gateway (an ingress) whose X-Forwarded-For names the client; default
   * none: the gateway is the edge, and the address a client connects from is its address
   */
  readonly trustProxy?: readonly string[];
  /** the /health URLs of the links between the services, listed among the processes (as `links`) */
  readonly links?: readonly string[];
}

/** the spans of requests in flight while recording; weak, so nothing outlives its request */
const gatewaySpans = new WeakMap<object, { parent: string | undefined; self: string }>();

/** The public prefixes; nothing else (/internal, /metrics) is reachable through the gateway. */
const ROUTES = [
  { prefix: '/auth', service: 'auth' },
  { prefix: '/billing', service: 'billing' },
  { prefix: '/orders', service: 'order' },
  { prefix: '/notifications', service: 'notification' },
] as const;

/** the methods passed on; the services answer the ones a route does not take */
const METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS'];

/**
 * Whether a path could leave its prefix once decoded: a `..` segment, also percent-encoded or with
 * backslashes, so no path reaches an internal route of a service.
 */
function escapes(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return true;
  }
  return decoded.replaceAll('\\', '/').split('/').includes('..');
}

/** One base URL for the whole API, as the ingress at arch.homework serves it. */
export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'warn', stream: logDestination() },
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Errors raised before routing (a malformed URL) bypass setErrorHandler.
    frameworkErrors: (error, _request, reply) => void sendProblem(reply, problem('invalid-input', error.message)),
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
    ...boundedRequestOptions(),
  });
  closePromptly(app);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendProblem(reply, problem('payload-too-large', error.message));
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, { ...problem('invalid-input', error.message), status });
    request.log.error({ err: error }, 'gateway error');
    return sendProblem(reply, problem('internal'));
  });
  // While spans are recorded the gateway is a hop of its own: upstreams continue its span, not the client's.
  app.addHook('onRequest', async (request) => {
    if (!isRecording()) return;
    const incoming = request.headers.traceparent;
    const span = { parent: typeof incoming === 'string' ? incoming : undefined, self: '' };
    span.self = childTraceparent(span.parent);
    request.raw.headers.traceparent = span.self;
    gatewaySpans.set(request, span);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = gatewaySpans.get(request);
    if (!span) return;
    const end = Date.now();
    const route = request.url.split('?')[0] === '/orders' ? '/orders' : (request.routeOptions.url ?? 'unmatched');
    recordServerSpan('gateway', request.method, route, span.parent, end - reply.elapsedTime, end, reply.statusCode, span.self);
  });
  // Shed here, before a request costs any service work; /health and /metrics must answer under load.
  await shedOverload(app, { limits: opts.overload ?? DEFAULT_OVERLOAD_LIMITS, exempt: (path) => path === '/health' || path === '/metrics' || path === PROCESS_METRICS_PATH });
  // The gateway streams bodies through; refusing an oversized one here spares the upstream, which
  // would close the connection mid-upload and turn a 413 into a proxy error.
  app.addHook('onRequest', async (request, reply) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > BODY_LIMIT) return sendProblem(reply, problem('payload-too-large', `The body is ${length} bytes; at most ${BODY_LIMIT} are accepted.`));
  });
  // A login from an address auth said is blocked is refused here until the block ends: a flood of
  // them would otherwise cost a hop to auth each (docs/limits.md).
  const blocked = blockedAddresses();
  // the client address of each login in flight, as read on arrival (by the time the answer is sent
  // a client that closed its connection has left `request.ip` unreadable)
  const logins = new WeakMap<object, string>();
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== '/auth/login') return;
    const refusal = blocked.refusal(request.ip);
    if (refusal) return sendProblem(reply, refusal);
    logins.set(request.raw, request.ip);
  });
  // auth's hint is taken off every answer, so no client sees it.
  app.addHook('onSend', async (request, reply) => {
    const hint = reply.getHeader(ADDRESS_BLOCKED_HEADER);
    if (hint === undefined) return;
    reply.removeHeader(ADDRESS_BLOCKED_HEADER);
    const address = logins.get(request.raw);
    if (address !== undefined) blocked.learn(hint, address);
  });
  // Bodies are read whole (at most BODY_LIMIT, also when chunked) and passed on as they came: the
  // services parse them, and answer malformed ones themselves.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));
  for (const route of ROUTES) {
    const urls = opts.upstreams[route.service];
    if (urls.length === 0) throw new Error(`no address for the ${route.service} service`);
    const service = upstream(route.service, urls);
    app.addHook('onClose', service.close);
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      if (escapes(request.url)) return sendProblem(reply, problem('invalid-input', 'The path has dot segments.'));
      return service.forward(request, reply);
    };
    app.route({ method: METHODS, url: route.prefix, handler });
    app.route({ method: METHODS, url: `${route.prefix}/*`, handler });
  }
  const upSince = new Date().toISOString();
  app.get('/health', async (_request, reply) => {
    const [{ services, processes }, links] = await Promise.all([systemHealth(opts.upstreams), linkHealth(opts.links ?? [])]);
    const up = Object.values(services).every((s) => (s as { status?: string }).status === 'up');
    const gateway = { service: 'gateway', status: 'up', pid: process.pid, upSince, ...opts.self };
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'degraded', style: opts.style, services, processes: [gateway, ...processes, ...links] });
  });
  app.get('/metrics', async (request, reply) => {
    const registry = await systemMetrics(opts.upstreams);
    if ((request.query as { format?: string }).format === 'json') return registry.getMetricsAsJSON();
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  // This process's own runtime (the whole system's, inproc; the gateway's and supervisor's, processes).
  app.get(PROCESS_METRICS_PATH, processMetricsRoute());
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );
  return app;
}
