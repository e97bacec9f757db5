import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { childTraceparent } from '../events/trace.ts';
import type { ServiceMetrics } from '../metrics.ts';
import { isRecording, recordServerSpan } from '../spans.ts';
import { traceContext } from '../trace-context.ts';
import { UpstreamUnavailable } from './errors.ts';
import { DEFAULT_OVERLOAD_LIMITS, shedOverload, type OverloadLimits } from './overload.ts';
import { problem, problemTypeUri, sendProblem, type Problem, type ProblemType } from './problem.ts';
import { logDestination } from '../logs.ts';
import { enableRequestLimits } from './request-limits.ts';
import { boundedRequestOptions } from './request-size.ts';
import { isDatabaseUnavailable } from '../store/errors.ts';

/**
 * s; the Retry-After of a request that found the database gone. A restart of PostgreSQL takes a second
 * or two, and the pool connects anew on the next request; asking again sooner only adds failed connects.
 */
const DATABASE_RETRY_AFTER_S = 2;
import { closePromptly } from './closing.ts';
import { PROCESS_METRICS_PATH, processMetricsRoute } from '../process-metrics.ts';

/** bytes; the largest legitimate body, an order with 100 lines, is under 10 KiB */
export const BODY_LIMIT = 64 * 1024;

export interface ServiceAppOptions {
  readonly service: string;
  readonly metrics: ServiceMetrics;
  /** pino level; default 'warn', so nothing is logged per request */
  readonly logLevel?: string;
  readonly description?: string;
  /** facts for /health beside `status` (event consumers, outbox backlog, dead letters) */
  readonly health?: () => Record<string, unknown>;
  /** when to shed new requests with 503; default DEFAULT_OVERLOAD_LIMITS */
  readonly overload?: OverloadLimits;
  /**
   * proxies whose X-Forwarded-For names the client (proxy-addr's addresses, CIDRs or presets);
   * default DEFAULT_TRUSTED_PROXIES
   */
  readonly trustProxy?: readonly string[];
  /**
   * the problem an error of the application's own answers (a domain error thrown out of a route, mapped
   * by the transport that knows its codes); undefined leaves it to the conventions below, a 500 at last
   */
  readonly errorProblem?: (error: Error) => Problem | undefined;
}

/**
 * Only the gateway reaches a service: on this machine over loopback, in a container network from a
 * private address. From those, X-Forwarded-For is the gateway's word for the client's address, which
 * the request limits count by; from anywhere else it is ignored, so a client cannot pick its own.
 */
export const DEFAULT_TRUSTED_PROXIES: readonly string[] = ['loopback', 'uniquelocal'];

/** answered under any load: probes and scrapes, and calls from services that already admitted the work */
const NEVER_SHED = /^\/(health|metrics|metrics\/process|openapi\.json)$|^\/internal\//;

declare module 'fastify' {
  interface FastifyRequest {
    /** W3C traceparent of this request's span, continued from the caller's when it sent one */
    traceparent: string;
  }
}

export type ServiceApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

/** Builds (never listens) a Fastify app with the project's JSON, error, metrics and OpenAPI conventions. */
export async function createServiceApp(opts: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    logger: { level: opts.logLevel ?? 'warn', stream: logDestination() },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    // Errors raised before routing (a malformed URL) bypass setErrorHandler.
    frameworkErrors: (error, _request, reply) => void sendProblem(reply, problem('invalid-input', error.message)),
    trustProxy: [...(opts.trustProxy ?? DEFAULT_TRUSTED_PROXIES)],
    ...boundedRequestOptions(),
  }).withTypeProvider<TypeBoxTypeProvider>();
  closePromptly(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: `interplay ${opts.service} service`, version: '1.0.0', description: opts.description },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    },
  });

  await shedOverload(app, { limits: opts.overload ?? DEFAULT_OVERLOAD_LIMITS, exempt: (path) => NEVER_SHED.test(path) });
  await enableRequestLimits(app);

  // JSON only: without this, Fastify parses text/plain and the schema answers 400 instead of 415.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('traceparent', '');
  app.decorateRequest('principal', '');
  app.addHook('onRequest', (request, _reply, done) => {
    const incoming = request.headers.traceparent;
    request.traceparent = childTraceparent(typeof incoming === 'string' ? incoming : undefined);
    // Everything the request sets off runs inside its trace (see platform/trace-context.ts).
    traceContext.run({ traceparent: request.traceparent }, done);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    opts.metrics.serverRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    if (isRecording()) {
      const end = Date.now();
      const incoming = request.headers.traceparent;
      recordServerSpan(opts.service, request.method, route, typeof incoming === 'string' ? incoming : undefined, end - reply.elapsedTime, end, reply.statusCode, request.traceparent);
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const answer = opts.errorProblem?.(error) ?? toProblem(error, request);
    if (answer.status === 503 && answer.type === problemTypeUri('database-unavailable')) reply.header('retry-after', String(DATABASE_RETRY_AFTER_S));
    return sendProblem(reply, answer);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, problem('not-found', `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'up', service: opts.service, ...opts.health?.() }));
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
    // The gateway sums its replicas from prom-client's JSON form; text alone would leave it nothing to sum.
    if ((request.query as { format?: string }).format === 'json') return opts.metrics.registry.getMetricsAsJSON();
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });
  app.get(PROCESS_METRICS_PATH, { schema: { hide: true } }, processMetricsRoute());
  return app;
}

const FASTIFY_CODES: Record<string, ProblemType> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-json',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid-input',
};

function toProblem(error: FastifyError, request: FastifyRequest) {
  if (error.validation) {
    const where = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string } | undefined)?.missingProperty;
      const extra = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      const field = [where, path, missing ?? extra].filter(Boolean).join('.');
      return { field, message: extra ? 'is not allowed' : (v.message ?? 'is invalid') };
    });
    const first = errors[0];
    return problem('invalid-input', first ? `${first.field} ${first.message}` : undefined, { errors });
  }
  if (error instanceof UpstreamUnavailable) return problem('service-unavailable', error.message, { service: error.target });
  // A stopped or restarting PostgreSQL, or a cut connection: nothing wrong with the request; it may succeed soon.
  if (isDatabaseUnavailable(error)) return problem('database-unavailable', 'The database is unavailable; the request changed nothing, or its transaction rolled back.');
  const known = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (known) return problem(known, error.message);
  if (error instanceof SyntaxError) return problem('malformed-json', error.message);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { ...problem('invalid-input', error.message), status };
  request.log.error({ err: error, url: request.url }, 'unhandled error');
  return problem('internal', 'The request failed; the log has the details.');
}
