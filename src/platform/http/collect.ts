import type { Dispatcher } from 'undici';

/**
 * Turns a whole response into what the caller wants. Throwing rejects the call with that error.
 * `body` is undefined when the response had none.
 */
export type Shape<T> = (status: number, rawHeaders: Buffer[], body: Buffer | undefined) => T;

/**
 * Sends one request on `dispatcher` and collects its response without a body stream: the answers
 * here are small JSON, and a Readable per response (undici's `request()`) costs more than the bytes.
 * Resolves for every HTTP status; rejects on connection errors, timeouts and aborts.
 */
export function collect<T>(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, shape: Shape<T>, signal?: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    dispatcher.dispatch(options, new Collector(shape, resolve, reject, signal));
  });
}

/**
 * Collects one response. It implements undici's original handler interface
 * (onConnect/onHeaders/onData/onComplete/onError), the one undici's own `request()` uses: the newer
 * onRequestStart/onResponse* interface gets wrapped in an adapter that parses headers twice per
 * request. A class rather than closures, so a request allocates one object.
 */
class Collector<T> implements Dispatcher.DispatchHandler {
  #abort: ((err?: Error) => void) | undefined;
  #settled = false;
  #status = 0;
  #rawHeaders: Buffer[] = [];
  #chunks: Buffer[] | undefined;
  readonly #shape: Shape<T>;
  readonly #resolve: (r: T) => void;
  readonly #reject: (e: Error) => void;
  readonly #signal: AbortSignal | undefined;

  constructor(shape: Shape<T>, resolve: (r: T) => void, reject: (e: Error) => void, signal: AbortSignal | undefined) {
    this.#shape = shape;
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
    (this.#chunks ??= []).push(chunk);
    return true;
  }

  onComplete(): void {
    if (!this.#settle()) return;
    const chunks = this.#chunks;
    const body = chunks === undefined ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    let shaped: T;
    try {
      shaped = this.#shape(this.#status, this.#rawHeaders, body);
    } catch (err) {
      this.#reject(err as Error);
      return;
    }
    this.#resolve(shaped);
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

/** The value of header `name` (lower case) from undici's raw [name, value, …] list, without parsing the rest. */
export function rawHeader(raw: readonly Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const n = raw[i];
    if (n && n.length === name.length && n.toString('latin1').toLowerCase() === name) return raw[i + 1]?.toString('latin1');
  }
  return undefined;
}

/**
 * Requests waiting on each abort signal. One listener per signal and a Set of requests, because
 * EventTarget removes listeners in linear time: with thousands of requests in flight on one
 * signal, adding and removing a listener per request made a load generator's CPU grow with its backlog.
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
