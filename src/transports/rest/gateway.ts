import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';
import proxy from '@fastify/http-proxy';
import { BODY_LIMIT } from '../../platform/http/app.ts';
import { DEFAULT_OVERLOAD_LIMITS, shedOverload, type OverloadLimits } from '../../platform/http/overload.ts';
import { problem, sendProblem } from '../../platform/http/problem.ts';

export interface GatewayOptions {
  readonly style: string;
  /** base URL of each service */
  readonly upstreams: { readonly auth: string; readonly billing: string; readonly order: string; readonly notification: string };
  /** extra health facts per service (event consumers, dead letters) */
  readonly health: () => Promise<Record<string, unknown>>;
  /** every service's metrics, in the Prometheus text format and as prom-client JSON */
  readonly metrics: { text(): Promise<string>; json(): Promise<unknown> };
  /** pino level; default 'warn' */
  readonly logLevel?: string;
  /** when to shed new requests with 503 before they reach a service; default DEFAULT_OVERLOAD_LIMITS */
  readonly overload?: OverloadLimits;
}

/** The public prefixes; nothing else (/internal, /metrics) is reachable through the gateway. */
const ROUTES = [
  { prefix: '/auth', service: 'auth' },
  { prefix: '/billing', service: 'billing' },
  { prefix: '/orders', service: 'order' },
  { prefix: '/notifications', service: 'notification' },
] as const;

/** One base URL for the whole API, as the ingress at arch.homework serves it. */
export async function buildGateway(opts: GatewayOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'warn' },
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    // Errors raised before routing (a malformed URL) bypass setErrorHandler.
    frameworkErrors: (error, _request, reply) => void sendProblem(reply, problem('invalid-input', error.message)),
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) return sendProblem(reply, { ...problem('invalid-input', error.message), status });
    request.log.error({ err: error }, 'gateway error');
    return sendProblem(reply, problem('internal'));
  });
  // Shed here, before a request costs any service work; /health and /metrics must answer under load.
  await shedOverload(app, { limits: opts.overload ?? DEFAULT_OVERLOAD_LIMITS, exempt: (path) => path === '/health' || path === '/metrics' });
  // The gateway streams bodies through; refusing an oversized one here spares the upstream, which
  // would close the connection mid-upload and turn a 413 into a proxy error.
  app.addHook('onRequest', async (request, reply) => {
    const length = Number(request.headers['content-length'] ?? 0);
    if (length > BODY_LIMIT) return sendProblem(reply, problem('payload-too-large', `The body is ${length} bytes; at most ${BODY_LIMIT} are accepted.`));
  });
  for (const route of ROUTES) {
    await app.register(proxy, {
      upstream: opts.upstreams[route.service],
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      replyOptions: {
        onError: (reply) => {
          void sendProblem(reply as never, problem('service-unavailable', `The ${route.service} service is unavailable.`, { service: route.service }));
        },
      },
    });
  }
  app.get('/health', async (_request, reply) => {
    const services = await opts.health();
    const up = Object.values(services).every((s) => (s as { status?: string }).status === 'up');
    return reply.code(up ? 200 : 503).send({ status: up ? 'ok' : 'degraded', style: opts.style, services });
  });
  app.get('/metrics', async (request, reply) => {
    if ((request.query as { format?: string }).format === 'json') return opts.metrics.json();
    return reply.type('text/plain; version=0.0.4').send(await opts.metrics.text());
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );
  return app;
}
