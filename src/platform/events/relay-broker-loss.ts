import type { Kysely } from 'kysely';
import type { EventTables } from './tables.ts';
import { reopenSentRows } from './outbox-claims.ts';
import type { EventLog } from './log.ts';

/**
 * ms before the connection to the broker was lost from which the rows marked sent are published
 * again once it is back. nats-server 2.9 acknowledges publishes while it shuts down (SIGTERM, an
 * operator's restart) after its consumers have stopped, and an interest-retention stream drops a
 * message that no consumer wants on arrival: acknowledged, then gone, with the sequence reused after
 * the restart. Measured here: the lost publishes were acknowledged 56 to 82 ms after the SIGTERM,
 * none before it, and the client sees the connection close once the shutdown is over. 2 s is some
 * 25 times that. The republish keeps the Nats-Msg-Id: a message the server still holds is dropped
 * as a duplicate, and one it delivered already is dropped by the consumers' inbox; the cost is a
 * redelivery of at most 2 s of events per lost connection.
 */
export const REPUBLISH_BEFORE_LOSS_MS = 2_000;

/**
 * ms before a leader election of the relay's stream, or of a consumer of it, from which the rows sent
 * are published again, under new message ids. A cluster of nats-server 2.9 may lose acknowledged
 * messages around a node's restart: copies of a stream that disagree after it, a consumer led from a
 * copy that lacks what the others hold, which steps over it (docs/nats.md). In the chaos runs an
 * election followed such a loss within 16 s in two of the three losses with the broker's state read
 * (the third had none after it, and may have been a first version of the stream trim): of the stream,
 * or of the consumer moving to the copy that lacked the messages. 30 s covers those with room, inside
 * the 60 s a sent row is kept (OUTBOX_KEEP_SENT_MS). A new message id, because a stream
 * leader that holds the message would drop the same id as a duplicate while its consumer stepped over
 * it; the consumers' inbox drops what they had handled. An election on a healthy cluster costs a
 * republish of 30 s of this relay's events, each handled once more as a duplicate.
 */
export const REPUBLISH_BEFORE_ELECTION_MS = 30_000;

/** What a relay does about a lost connection to the broker: its publishes in flight, and its rows sent just before. */
export interface BrokerLoss {
  /**
   * Rejects when the connection to the broker is lost, or is back (brokerBack): a publish in flight
   * races it. The client does not fail a request in flight on a disconnect; it waits out the publish
   * timeout (5 s), and the relay's pass with it. A broker that crashed and is back in a second would
   * leave the relay, and every event behind that pass, waiting for seconds more. The publishes in
   * flight are given up at once instead: their rows stay unsent and go out again after the reconnect,
   * where the broker drops the ones it had stored (their Nats-Msg-Id). So are the ones sent while the
   * connection was down, once it is back.
   */
  abandoned(): Promise<never>;
  /** the connection is lost (a disconnect) */
  lost(): void;
  /**
   * The connection is back (a reconnect): gives up the publishes sent while it was down; after a
   * lost(), the rows marked sent from REPUBLISH_BEFORE_LOSS_MS before it are due to go out again, and
   * it returns true.
   */
  back(): boolean;
  /**
   * A leader of the relay's stream, or of one of its consumers, was elected: the rows marked sent from
   * REPUBLISH_BEFORE_ELECTION_MS before now are due to go out again, each under a message id of its own.
   */
  elected(): void;
  /** the Nats-Msg-Id to publish a row with: its id, or after an election a new one */
  msgIdOf(rowId: string): string;
  /** a row's publish was acknowledged: its next publish (a retry) is under its own id again */
  sent(rowId: string): void;
  /** makes the rows due to go out again unsent, for the claim that follows to publish them; throws when the database does */
  reopenDue(): Promise<void>;
}

export function brokerLoss(opts: { db: Kysely<EventTables>; relayId: string; now: () => number; log: EventLog }): BrokerLoss {
  let connectionLost = lostSignal();
  const abandonPublishes = (reason: string): void => {
    connectionLost.reject(new Error(reason));
    connectionLost = lostSignal();
  };
  /** ms since epoch the connection to the broker was lost at; undefined while it holds */
  let lostAt: number | undefined;
  /** ms since epoch: the next claim first makes the rows sent since then unsent again */
  let republishFrom: number | undefined;
  /** ms since epoch of the last election not yet acted on: the rows it reopens get new message ids */
  let electedAt: number | undefined;
  /** rows reopened after an election, with the message id each goes out under */
  const renamed = new Map<string, string>();

  return {
    abandoned: () => connectionLost.promise,
    lost() {
      // The first loss counts: the reconnect attempts that follow lose nothing more.
      lostAt ??= opts.now();
      abandonPublishes('the connection to the broker was lost before the publish was acknowledged');
    },
    back() {
      // What was sent while the connection was down may never reach the broker, and its acknowledgement never come.
      abandonPublishes('published while the connection to the broker was down');
      if (lostAt === undefined) return false;
      republishFrom = Math.min(republishFrom ?? Infinity, lostAt - REPUBLISH_BEFORE_LOSS_MS);
      lostAt = undefined;
      return true;
    },
    elected() {
      const at = opts.now();
      electedAt = at;
      republishFrom = Math.min(republishFrom ?? Infinity, at - REPUBLISH_BEFORE_ELECTION_MS);
    },
    msgIdOf: (rowId) => renamed.get(rowId) ?? rowId,
    sent(rowId) {
      renamed.delete(rowId);
    },
    async reopenDue() {
      if (republishFrom === undefined) return;
      const ids = await reopenSentRows(opts.db, opts.relayId, republishFrom);
      republishFrom = undefined;
      const election = electedAt;
      electedAt = undefined;
      if (ids.length === 0) return;
      // The same id for a row within one election: a retry of its republish is still dropped as a duplicate.
      if (election !== undefined) for (const id of ids) renamed.set(id, `${id}.elected-${election}`);
      const why = election !== undefined ? 'a leader of the stream or of a consumer was elected' : 'the broker connection was lost';
      opts.log.warn({ rows: ids.length }, `outbox relay: ${why}; publishing again the rows sent just before`);
    },
  };
}

/** A promise that only rejects, when reject() is called; never an unhandled rejection by itself. */
function lostSignal(): { readonly promise: Promise<never>; readonly reject: (err: Error) => void } {
  let reject: (err: Error) => void = () => undefined;
  const promise = new Promise<never>((_, fail) => (reject = fail));
  promise.catch(() => undefined);
  return { promise, reject };
}
