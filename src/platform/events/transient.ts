import { JetStreamApiError } from '@nats-io/jetstream';
import { ConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { errorMessage, silentLog, type EventLog } from './log.ts';

/**
 * Whether a JetStream API call failed only because the broker is between states: a cluster electing
 * a leader answers 503 "JetStream system temporarily unavailable" (or nothing: no responders, a
 * timeout), or the connection is between servers. Asked again a moment later, it works.
 */
export function isTransientBrokerError(err: unknown): boolean {
  if (err instanceof JetStreamApiError) return err.status === 503 || /temporarily unavailable/i.test(err.message);
  return (
    err instanceof TimeoutError ||
    err instanceof NoRespondersError ||
    err instanceof ConnectionError ||
    (err instanceof RequestError && isTransientBrokerError(err.cause))
  );
}

export interface BrokerRetryOptions {
  /** what is being done, for the log line */
  readonly what: string;
  /**
   * ms to keep trying; default 60000. An election is over in a few seconds; a lost quorum lasts until
   * nodes return. Past a minute the broker is not recovering on its own, and a service should fail
   * its start loudly (its supervisor starts it again) rather than wait in silence.
   */
  readonly deadlineMs?: number;
  readonly log?: EventLog;
}

/**
 * Runs `call`, and again after a transient broker error, waiting 100 ms doubled per attempt up to 2 s
 * (short enough to catch the end of an election, long enough not to flood a recovering meta leader
 * with API requests from every service), until `deadlineMs`. Any other error, or the deadline, throws.
 */
export async function whileBrokerRecovers<T>(call: () => Promise<T>, opts: BrokerRetryOptions): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 60_000);
  const log = opts.log ?? silentLog;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (!isTransientBrokerError(err) || Date.now() >= deadline) throw err;
      const waitMs = Math.min(2_000, 100 * 2 ** attempt);
      log.warn({ err: errorMessage(err), attempt: attempt + 1, waitMs }, `${opts.what}: the broker is not ready; will retry`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
