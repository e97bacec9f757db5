import { Pool, util } from 'undici';
import type { Dispatcher } from 'undici';

export interface JsonClientOptions {
  /** origin of the system under load, e.g. http://127.0.0.1:3000 */
  readonly baseUrl: string;
  /** keep-alive sockets to the origin; default 64 */
  readonly connections?: number;
  /** requests per socket at once; 1 means no HTTP pipelining; default 1 */
  readonly pipelining?: number;
  /** ms to wait for response headers; default 30000 */
  readonly headersTimeoutMs?: number;
  /** ms allowed between body chunks; default 30000 */
  readonly bodyTimeoutMs?: number;
  /** sent with every request, e.g. authorization */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface JsonRequest {
  readonly method: Dispatcher.HttpMethod;
  /** path and query, starting with '/' */
  readonly path: string;
  /** serialised as JSON when given */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface JsonResponse {
  readonly status: number;
  /** the parsed body if it was JSON, else undefined */
  readonly data: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface JsonClient {
  /** Resolves for every HTTP status; rejects only on network errors, timeouts and aborts. */
  request(req: JsonRequest): Promise<JsonResponse>;
  close(): Promise<void>;
}

/** A keep-alive undici Pool that speaks JSON, for load engine request functions. */
export function createJsonClient(opts: JsonClientOptions): JsonClient {
  const pool = new Pool(opts.baseUrl, {
    connections: opts.connections ?? 64,
    pipelining: opts.pipelining ?? 1,
    headersTimeout: opts.headersTimeoutMs ?? 30_000,
    bodyTimeout: opts.bodyTimeoutMs ?? 30_000,
  });
  // Built once: undici validates every header of every request, and spreads cost per request too.
  const plainHeaders = { ...opts.headers };
  const jsonHeaders = { ...opts.headers, 'content-type': 'application/json' };

  return {
    request(req) {
      const hasBody = req.body !== undefined;
      const base = hasBody ? jsonHeaders : plainHeaders;
      const options: Dispatcher.DispatchOptions = {
        method: req.method,
        path: req.path,
        headers: req.headers === undefined ? base : { ...base, ...req.headers },
        body: hasBody ? JSON.stringify(req.body) : null,
      };
      return new Promise<JsonResponse>((resolve, reject) => {
        pool.dispatch(options, new JsonResponseHandler(resolve, reject, req.signal));
      });
    },
    close: () => pool.close(),
  };
}

/**
 * Collects one response without a body stream. It implements undici's original handler
 * interface (onConnect/onHeaders/onData/onComplete/onError), the one undici's own `request()`
 * uses: the newer onRequestStart/onResponse* interface gets wrapped in an adapter that parses
 * headers twice per request, and a generator's budget is CPU per request.
 * A class rather than closures, so a request allocates one object.
 */
class JsonResponseHandler implements Dispatcher.DispatchHandler {
  #abort: ((err?: Error) => void) | undefined;
  #settled = false;
  #status = 0;
  #rawHeaders: Buffer[] = [];
  #chunks: Buffer[] = [];
  readonly #resolve: (r: JsonResponse) => void;
  readonly #reject: (e: Error) => void;
  readonly #signal: AbortSignal | undefined;

  constructor(resolve: (r: JsonResponse) => void, reject: (e: Error) => void, signal: AbortSignal | undefined) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#signal = signal;
    if (signal?.aborted) queueMicrotask(() => this.handleEvent());
    else if (signal) watch(signal, this);
  }

  /** The signal's abort: rejects at once, even while the request still waits in the pool's queue. */
  handleEvent(): void {
    const reason = this.#signal?.reason instanceof Error ? this.#signal.reason : abortError();
    this.#abort?.(reason);
    if (this.#settle()) this.#reject(reason);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.#abort = abort;
    if (this.#settled) abort(abortError());
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.#status = statusCode;
    this.#rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.#chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (!this.#settle()) return;
    const raw = this.#rawHeaders;
    const isJson = this.#chunks.length > 0 && (contentType(raw)?.includes('json') ?? false);
    try {
      const data: unknown = isJson ? JSON.parse(Buffer.concat(this.#chunks).toString('utf8')) : undefined;
      // Most callers never look at the headers: they are parsed only when read.
      let headers: Record<string, string | string[] | undefined> | undefined;
      this.#resolve({
        status: this.#status,
        data,
        get headers() {
          return (headers ??= util.parseHeaders(raw));
        },
      });
    } catch (err) {
      this.#reject(err as Error);
    }
  }

  onError(err: Error): void {
    if (this.#settle()) this.#reject(err);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.#signal) watchers.get(this.#signal)?.delete(this);
    return true;
  }
}

function abortError(): Error {
  const err = new Error('request aborted');
  err.name = 'AbortError';
  return err;
}

/** The content-type value from undici's raw [name, value, …] header list, without parsing the rest. */
function contentType(raw: readonly Buffer[]): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i];
    if (name && name.length === 12 && name.toString('latin1').toLowerCase() === 'content-type') return raw[i + 1]?.toString('latin1');
  }
  return undefined;
}

/**
 * Requests waiting on each abort signal. One listener per signal and a Set of requests, because
 * EventTarget removes listeners in linear time: with thousands of requests in flight on one
 * signal, adding and removing a listener per request made the generator's CPU grow with its backlog.
 */
const watchers = new WeakMap<AbortSignal, Set<{ handleEvent(): void }>>();

function watch(signal: AbortSignal, handler: { handleEvent(): void }): void {
  let waiting = watchers.get(signal);
  if (!waiting) {
    const set = new Set<{ handleEvent(): void }>();
    watchers.set(signal, set);
    signal.addEventListener('abort', () => {
      for (const h of [...set]) h.handleEvent();
    }, { once: true });
    waiting = set;
  }
  waiting.add(handler);
}
