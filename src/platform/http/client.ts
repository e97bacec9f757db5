import { BalancedPool, Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import type { ServiceMetrics } from '../metrics.ts';
import { childTraceparent } from '../events/trace.ts';
import { isRecording, recordClientCall } from '../spans.ts';
import { currentTraceparent } from '../trace-context.ts';
import { UpstreamUnavailable } from './errors.ts';
import { collect } from './collect.ts';

/**
 * Where each service listens: one base URL, or one per replica. It may change at run time (a service
 * that comes back elsewhere, replicas that come and go), so it is read on every call.
 */
export type ServiceDirectory = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface ServiceClientOptions {
  readonly caller: ServiceMetrics;
  readonly target: string;
  readonly directory: ServiceDirectory;
  /** a service token for the target's internal routes; refreshed by the provider before it expires */
  readonly token: () => Promise<string>;
  /** ms; a downstream that hangs fails the caller's request with 503 after this, instead of holding it */
  readonly timeoutMs?: number;
  /** keep-alive connections to the target; default 16 */
  readonly connections?: number;
}

export interface CallOptions {
  /** the route template, used as the metrics label so ids do not explode its cardinality */
  readonly route: string;
  readonly params?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly traceparent?: string;
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

export interface ServiceClient {
  readonly target: string;
  get<T>(call: CallOptions): Promise<Answer<T>>;
  post<T>(call: CallOptions): Promise<Answer<T>>;
  close(): Promise<void>;
}

/**
 * Calls another service's internal routes over a keep-alive pool, counting every call.
 * Connection failures, timeouts and 5xx answers throw UpstreamUnavailable; 4xx come back as answers.
 */
export function serviceClient(opts: ServiceClientOptions): ServiceClient {
  let pool: { readonly key: string; readonly dispatcher: Dispatcher } | undefined;
  const timeout = opts.timeoutMs ?? 5000;
  const poolOptions = {
    connections: opts.connections ?? 16,
    keepAliveTimeout: 30_000,
    headersTimeout: timeout,
    bodyTimeout: timeout,
    connectTimeout: timeout,
  };
  const connect = (): Dispatcher => {
    const entry = opts.directory[opts.target];
    const urls = entry === undefined ? [] : typeof entry === 'string' ? [entry] : entry;
    if (urls.length === 0) throw new UpstreamUnavailable(opts.target);
    const key = urls.join(' ');
    if (pool?.key === key) return pool.dispatcher;
    // The target moved or its replicas changed: requests in flight finish on the old pool.
    void pool?.dispatcher.close().catch(() => undefined);
    const dispatcher = urls.length === 1 ? new Pool(urls[0]!, poolOptions) : new BalancedPool([...urls], poolOptions);
    pool = { key, dispatcher };
    return dispatcher;
  };

  async function call<T>(method: 'GET' | 'POST', c: CallOptions): Promise<Answer<T>> {
    const path = c.route.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(c.params?.[name] ?? ''));
    const headers: Record<string, string> = { authorization: `Bearer ${await opts.token()}` };
    const traceparent = c.traceparent || currentTraceparent();
    // While spans are recorded, the call is a span of its own and the callee continues it.
    const span = isRecording() ? { parent: traceparent, self: childTraceparent(traceparent), start: Date.now() } : undefined;
    const sent = span?.self ?? traceparent;
    if (sent) headers.traceparent = sent;
    if (c.body !== undefined) headers['content-type'] = 'application/json';
    const label = { target: opts.target, method, route: c.route };
    const recordAs = (status: number | string) => {
      if (span) recordClientCall(opts.caller.service, opts.target, method, c.route, span.parent, span.start, Date.now(), status, span.self);
    };
    try {
      const res = await collect(connect(), { method, path, headers, body: c.body === undefined ? null : JSON.stringify(c.body) }, raw);
      recordAs(res.status);
      opts.caller.clientRequests.inc({ ...label, status: String(res.status) });
      if (res.status >= 500) throw new UpstreamUnavailable(opts.target, { status: res.status });
      return { status: res.status, body: (res.body?.length ? JSON.parse(res.body.toString('utf8')) : undefined) as T };
    } catch (error) {
      if (error instanceof UpstreamUnavailable) throw error;
      recordAs((error as { code?: string }).code ?? 'error');
      opts.caller.clientRequests.inc({ ...label, status: 'error' });
      if (error instanceof undiciErrors.UndiciError || isSocketError(error)) {
        throw new UpstreamUnavailable(opts.target, { cause: error });
      }
      throw error;
    }
  }

  return {
    target: opts.target,
    get: (c) => call('GET', c),
    post: (c) => call('POST', c),
    close: async () => {
      await pool?.dispatcher.close();
      pool = undefined;
    },
  };
}

/** The answer as it came; parsed by the caller once it knows the status is not a 5xx. */
const raw = (status: number, _headers: Buffer[], body: Buffer | undefined) => ({ status, body });

const isSocketError = (error: unknown): boolean =>
  error instanceof Error && /^E(CONNREFUSED|CONNRESET|PIPE|HOSTUNREACH|TIMEDOUT)$/.test((error as NodeJS.ErrnoException).code ?? '');
