/** A small JSON client for scenarios: it keeps each exchange so a failed step can show it. */
export interface Exchange {
  readonly request: { readonly method: string; readonly url: string; readonly body?: unknown };
  readonly response?: { readonly status: number; readonly body: unknown };
  readonly error?: string;
}

export interface JsonResponse<T = any> {
  readonly status: number;
  readonly body: T;
  /** the seconds in Retry-After, when the answer had one */
  readonly retryAfterS?: number;
}

export interface ApiClient {
  call<T = any>(method: string, path: string, opts?: { body?: unknown; token?: string; headers?: Record<string, string> }): Promise<JsonResponse<T>>;
  /** the exchanges of the current step, newest last */
  readonly log: Exchange[];
}

/** ms; one request of the scenario may take this long before the step fails */
const REQUEST_TIMEOUT_MS = 10_000;

export function apiClient(baseUrl: string): ApiClient {
  const base = baseUrl.replace(/\/+$/, '');
  const log: Exchange[] = [];
  return {
    log,
    async call(method, path, opts = {}) {
      const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const request = { method, url: base + path, ...(opts.body === undefined ? {} : { body: opts.body }) };
      try {
        const res = await fetch(base + path, {
          method,
          headers,
          body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await res.text();
        let body: unknown = text;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: keep the text, the step shows it
        }
        log.push({ request, response: { status: res.status, body } });
        const retryAfter = res.headers.get('retry-after');
        return { status: res.status, body: body as never, ...(retryAfter === null ? {} : { retryAfterS: Number(retryAfter) }) };
      } catch (error) {
        log.push({ request, error: (error as Error).message });
        throw error;
      }
    },
  };
}
