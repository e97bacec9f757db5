import { Pool, util } from 'undici';
import type { Dispatcher } from 'undici';
import { collect, rawHeader } from '../../platform/http/collect.ts';

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
      return collect(pool, options, toJson, req.signal);
    },
    close: () => pool.close(),
  };
}

/** The status, the body parsed if it was JSON, and the headers parsed only when read (most callers never do). */
function toJson(status: number, raw: Buffer[], body: Buffer | undefined): JsonResponse {
  const isJson = body !== undefined && body.length > 0 && (rawHeader(raw, 'content-type')?.includes('json') ?? false);
  const data: unknown = isJson ? JSON.parse(body.toString('utf8')) : undefined;
  let headers: Record<string, string | string[] | undefined> | undefined;
  return {
    status,
    data,
    get headers() {
      return (headers ??= util.parseHeaders(raw));
    },
  };
}
