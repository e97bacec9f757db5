/** A service this request needs did not answer, or answered 5xx. */
export class UpstreamUnavailable extends Error {
  readonly code = 'UPSTREAM.UNAVAILABLE';
  readonly target: string;
  /** the 5xx it answered; undefined when it did not answer (refused, reset, timed out) */
  readonly status: number | undefined;
  constructor(target: string, options?: { cause?: unknown; status?: number }) {
    super(`The ${target} service is unavailable.`, options);
    this.name = 'UpstreamUnavailable';
    this.target = target;
    this.status = options?.status;
  }
}

/**
 * Whether an error says a peer service is down or going (no answer, 502, 503, 504) and will be back,
 * rather than that it failed on this request (500: a bug there, which waiting does not fix).
 */
export const isPeerUnavailable = (error: unknown): boolean =>
  error instanceof UpstreamUnavailable && (error.status === undefined || error.status === 502 || error.status === 503 || error.status === 504);
