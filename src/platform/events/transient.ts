import { JetStreamApiError, type JetStreamManager } from '@nats-io/jetstream';
import { ConnectionError, NoRespondersError, RequestError, TimeoutError } from '@nats-io/transport-node';
import { errorMessage, silentLog, type EventLog } from './log.ts';

/** A replicated stream or consumer whose Raft group has not elected a leader yet. */
export class NoLeaderYet extends Error {
  override readonly name = 'NoLeaderYet';
  readonly code = 'EVENTS.NO_LEADER_YET';
}

/**
 * Resolves once the durable consumer's group has a leader. A pull request sent before that reaches no
 * one and gets no answer; the client notices only when its idle heartbeats are missed (about 30 s), so
 * a service that consumed at once would sit deaf that long after its start on a cluster.
 */
export async function consumerLeader(jsm: JetStreamManager, stream: string, durable: string): Promise<string> {
  const info = await jsm.consumers.info(stream, durable);
  const leader = info.cluster?.leader;
  // A consumer on a single server has no cluster block: it leads itself.
  if (info.cluster === undefined) return '';
  if (!leader) throw new NoLeaderYet(`consumer ${durable} of ${stream} has no leader yet`);
  return leader;
}

/**
 * Whether a JetStream API call failed only because the broker is between states: a cluster electing
 * a leader answers 503 "JetStream system temporarily unavailable" (or nothing: no responders, a
 * timeout), or the connection is between servers. Asked again a moment later, it works.
 */
export function isTransientBrokerError(err: unknown): boolean {
  if (err instanceof NoLeaderYet) return true;
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
      // The first few are an election's ordinary length (a new consumer waits ~100-300 ms for its leader); only longer is news.
      const report = attempt < 3 ? log.debug.bind(log) : log.warn.bind(log);
      report({ err: errorMessage(err), attempt: attempt + 1, waitMs }, `${opts.what}: the broker is not ready; will retry`);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
