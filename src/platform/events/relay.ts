import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { EventTables, OutboxRowClaim, OutboxTable } from './tables.ts';

import { claimOutboxRows, releaseOutboxClaims, reopenSentRows } from './outbox-claims.ts';
import { outboxMarks } from './outbox-marks.ts';
import { toNatsHeaders } from './nats-headers.ts';
import { socketTurn } from './socket-turn.ts';
import { errorMessage, silentLog } from './log.ts';
import type { EventLog } from './log.ts';

export interface OutboxRelayOptions<DB extends EventTables> {
  /** the service's own database; the relay claims committed rows through it and marks them sent */
  readonly db: Kysely<DB>;
  readonly js: JetStreamClient;
  /**
   * ms between polls; default 1000. wake() covers the common case; the poll catches rows whose wake
   * never came: committed before a restart, by another process on the same DB, or during a backoff.
   */
  readonly pollMs?: number;
  /** rows read and published per round trip to the database; default 100 */
  readonly batch?: number;
  readonly log?: EventLog;
  /** ms before retrying after a failed publish, doubled per failure; default 100 */
  readonly retryMinMs?: number;
  /**
   * ms; cap of the doubling; default 2000. A broker that comes back is noticed at once (brokerBack());
   * the cap is for what no reconnect announces, a cluster electing a stream leader that refuses
   * publishes meanwhile: its events go out at most 2 s after the election, for one claim statement
   * and one refused publish per 2 s while it lasts.
   */
  readonly retryMaxMs?: number;
  /** ms to wait for the broker's ack of one publish; default 5000 */
  readonly publishTimeoutMs?: number;
  /** called after the broker acknowledged a row, e.g. to count messages and bytes in metrics */
  readonly onPublished?: (subject: string, bytes: number, duplicate: boolean, span: PublishSpan) => void;
  /**
   * ms a published row may wait to be marked sent, so that the rows published meanwhile share one
   * commit; default MARK_DELAY_MS (outbox-marks.ts). 0 marks after every batch, as soon as the broker acknowledged it.
   */
  readonly markDelayMs?: number;
  /** ms a sent row stays before the relay deletes it; default OUTBOX_KEEP_SENT_MS (outbox-marks.ts) */
  readonly keepSentMs?: number;
  /** ms since epoch, for sent_at and leases; default Date.now */
  readonly now?: () => number;
  /** names this relay's claims on outbox rows; default a random UUID, unique per start */
  readonly relayId?: string;
  /** ms a claimed row stays this relay's; default OUTBOX_LEASE_MS */
  readonly leaseMs?: number;
}

/**
 * ms a relay holds the rows it claimed. Longer than a batch normally takes (every publish in it
 * times out after 5 s at most, and marking may wait busy_timeout, 5 s, for the write lock), so a
 * live relay keeps its rows; short enough that a dead replica's events wait at most this long for
 * another relay; and well inside JetStream's 2-minute duplicate window, so that a relay which was
 * only slow, not dead, and publishes after the takeover is still dropped as a duplicate.
 */
export const OUTBOX_LEASE_MS = 30_000;

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

/** When a publish ran, and the trace context the message carries, for a span of it. */
export interface PublishSpan {
  readonly traceparent: string | undefined;
  /** ms since the epoch */
  readonly startMs: number;
  readonly endMs: number;
}

export interface SubjectTraffic {
  readonly messages: number;
  /** payload bytes (the JSON envelope), headers excluded */
  readonly bytes: number;
}

export interface OutboxRelayStats {
  /** rows the broker acknowledged, duplicates included */
  readonly published: number;
  /** acks the broker flagged as duplicates of an earlier Nats-Msg-Id (a republish after a crash) */
  readonly duplicates: number;
  /** unsent rows seen at the end of the last pass */
  readonly pending: number;
  /**
   * publishes the broker refused or did not acknowledge in time (no quorum, no responders, a lost
   * connection); each row is retried, so this counts attempts, not lost events
   */
  readonly refused: number;
  readonly lastError: string | undefined;
  readonly bySubject: ReadonlyMap<string, SubjectTraffic>;
}

export interface OutboxRelay {
  /** call after committing a transaction that appended to the outbox: the relay claims what is unsent */
  wake(): void;
  /** a claim to append rows with, so that they are this relay's from their commit on */
  claimForNewRows(): OutboxRowClaim;
  /**
   * Call after committing rows appended with claimForNewRows(): the relay publishes them on its next
   * pass as they are, without reading the outbox or claiming them, then marks them sent.
   */
  handOver(rows: readonly OutboxTable[]): void;
  /**
   * Call when the connection to the broker is back (a reconnect): what failed while it was gone is
   * tried now, not after the rest of the backoff, and a later failure backs off from the start again.
   * After a brokerLost(), the rows marked sent from REPUBLISH_BEFORE_LOSS_MS before it are published again.
   */
  brokerBack(): void;
  /** Call when the connection to the broker is lost (a disconnect): brokerBack() republishes what it may have dropped. */
  brokerLost(): void;
  /** stops polling, waits for the pass in flight and hands its unsent rows back to the other relays */
  stop(): Promise<void>;
  stats(): OutboxRelayStats;
}

export function startOutboxRelay<DB extends EventTables>(opts: OutboxRelayOptions<DB>): OutboxRelay {
  const db = opts.db as unknown as Kysely<EventTables>;
  const { js } = opts;
  const pollMs = opts.pollMs ?? 1_000;
  const batch = opts.batch ?? 100;
  const log = opts.log ?? silentLog;
  const retryMinMs = opts.retryMinMs ?? 100;
  const retryMaxMs = opts.retryMaxMs ?? 2_000;
  const publishTimeoutMs = opts.publishTimeoutMs ?? 5_000;
  const now = opts.now ?? Date.now;
  const relayId = opts.relayId ?? randomUUID();
  const leaseMs = opts.leaseMs ?? OUTBOX_LEASE_MS;
  const turn = socketTurn(js);

  let published = 0;
  let duplicates = 0;
  let pending = 0;
  let refused = 0;
  let lastError: string | undefined;
  const bySubject = new Map<string, { messages: number; bytes: number }>();

  let stopped = false;
  let inFlight: Promise<void> | undefined;
  let rerun = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  /** rows committed already ours, in commit order: published without a claim statement */
  const handed = new Map<string, OutboxTable>();
  /** whether the next pass reads the outbox for claimable rows; a handover alone does not */
  let claimDue = true;
  /**
   * Rejects when the connection to the broker is lost. The client does not fail a request in flight on
   * a disconnect; it waits out the publish timeout (5 s), and the pass with it. A broker that crashed
   * and is back in a second would leave the relay, and every event behind that pass, waiting for
   * seconds more. The publishes in flight are given up at once instead: their rows stay unsent and go
   * out again after the reconnect, where the broker drops the ones it had stored (their Nats-Msg-Id).
   * So are the ones sent while the connection was down, once it is back.
   */
  let connectionLost = lostSignal();
  const abandonPublishes = (reason: string): void => {
    connectionLost.reject(new Error(reason));
    connectionLost = lostSignal();
  };
  /** ms since epoch the connection to the broker was lost at; undefined while it holds */
  let lostAt: number | undefined;
  /** ms since epoch: the next claim first makes the rows sent since then unsent again (brokerBack) */
  let republishFrom: number | undefined;
  const marks = outboxMarks({
    db,
    now,
    log,
    markDelayMs: opts.markDelayMs,
    keepSentMs: opts.keepSentMs,
    // Published but not marked: a later claim publishes them again and the broker drops the duplicates.
    onMarkFailed: (err) => fail(err, 'outbox mark failed'),
  });

  const schedule = (ms: number, claim: boolean): void => {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(claim ? poll : kick, ms);
    timer.unref();
  };

  function poll(): void {
    claimDue = true;
    kick();
  }

  function kick(): void {
    if (stopped) return;
    if (inFlight) {
      rerun = true;
      return;
    }
    inFlight = pass()
      .then((ok) => {
        failures = ok ? 0 : failures + 1;
      })
      .catch((err: unknown) => {
        // pass() handles its own errors; this is a last guard so the relay never crashes the process.
        failures++;
        lastError = errorMessage(err);
      })
      .finally(() => {
        inFlight = undefined;
        if (failures > 0) {
          schedule(Math.min(retryMaxMs, retryMinMs * 2 ** (failures - 1)), true);
        } else if (rerun) {
          rerun = false;
          schedule(0, false);
        } else {
          schedule(pollMs, true);
        }
      });
  }

  /**
   * Publishes the rows handed over, then, when a claim is due, claimable rows until none are left;
   * false after a failure (rows stay unsent, and ours: the retry claims them again).
   */
  async function pass(): Promise<boolean> {
    while (handed.size > 0) {
      const rows = [...handed.values()].slice(0, batch);
      for (const row of rows) handed.delete(row.id);
      if (!(await publishAndMark(rows))) return false;
    }
    if (!claimDue) return true;
    claimDue = false;
    for (;;) {
      // A claim takes this relay's own unsent rows again: the ones already published are marked first.
      if (!(await marks.flush())) return false;
      if (republishFrom !== undefined && !(await reopen(republishFrom))) return false;
      let rows: OutboxTable[];
      try {
        rows = await claimOutboxRows(db, { relayId, now: now(), leaseMs, batch });
      } catch (err) {
        return fail(err, 'outbox claim failed');
      }
      if (rows.length === 0) {
        pending = 0;
        return true;
      }
      // A row committed before the claim read it may still be on its way as a handover.
      for (const row of rows) handed.delete(row.id);
      if (!(await publishAndMark(rows))) return false;
      if (rows.length < batch) {
        pending = 0;
        return true;
      }
    }
  }

  async function publishAndMark(rows: readonly OutboxTable[]): Promise<boolean> {
    // Published back to back on one connection, so the stream keeps the order of this relay's rows.
    const results = await Promise.allSettled(rows.map((row) => publish(row)));
    marks.published(rows.filter((_, i) => results[i]?.status === 'fulfilled').map((row) => row.id));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    refused += results.filter((r) => r.status === 'rejected').length;
    if (failed) {
      await marks.flush();
      pending = await countUnsent().catch(() => rows.filter((_, i) => results[i]?.status === 'rejected').length);
      return fail(failed.reason, 'publish failed');
    }
    return opts.markDelayMs === 0 ? marks.flush() : true;
  }

  async function publish(row: OutboxTable): Promise<void> {
    const headers = parseHeaders(row);
    const startMs = Date.now();
    // Issued with the turn's acks on this connection, in one socket write (socket-turn.ts); in row order.
    const acking = turn.issue(() =>
      js.publish(row.subject, row.payload, { msgID: row.id, headers: toNatsHeaders(headers), timeout: publishTimeoutMs }),
    );
    // Given up below when the connection is lost; its own timeout must not surface as unhandled.
    acking.catch(() => undefined);
    const ack = await Promise.race([acking, connectionLost.promise]);
    published++;
    if (ack.duplicate) duplicates++;
    const traffic = bySubject.get(row.subject) ?? { messages: 0, bytes: 0 };
    traffic.messages++;
    const bytes = Buffer.byteLength(row.payload);
    traffic.bytes += bytes;
    bySubject.set(row.subject, traffic);
    opts.onPublished?.(row.subject, bytes, ack.duplicate, { traceparent: headers?.['traceparent'], startMs, endMs: Date.now() });
  }

  /** the rows this relay marked sent since `since` become unsent, for the claim that follows to publish again */
  async function reopen(since: number): Promise<boolean> {
    try {
      const n = await reopenSentRows(db, relayId, since);
      republishFrom = undefined;
      if (n > 0) log.warn({ rows: n }, 'outbox relay: the broker connection was lost; publishing again the rows sent just before');
      return true;
    } catch (err) {
      return fail(err, 'outbox reopen failed');
    }
  }

  async function countUnsent(): Promise<number> {
    const { n } = await db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('sent_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(n);
  }

  function parseHeaders(row: OutboxTable): Record<string, string> | undefined {
    try {
      return JSON.parse(row.headers) as Record<string, string>;
    } catch {
      log.warn({ id: row.id }, 'outbox row has unparseable headers; publishing without them');
      return undefined;
    }
  }

  function fail(err: unknown, msg: string): false {
    // What failed is still unsent and ours; only a claim finds it again.
    claimDue = true;
    lastError = errorMessage(err);
    log.warn({ err: lastError, failures: failures + 1 }, `outbox relay: ${msg}; will retry`);
    return false;
  }

  kick();

  return {
    wake() {
      claimDue = true;
      // During a backoff the timer is already set; waking early would only hammer a broker that is down.
      if (failures === 0) kick();
    },
    claimForNewRows() {
      return { relayId, until: now() + leaseMs };
    },
    handOver(rows) {
      if (stopped) return; // stop() handed the relay's unsent rows back; the other relays take them
      for (const row of rows) handed.set(row.id, row);
      if (failures === 0) kick();
    },
    brokerLost() {
      // The first loss counts: the reconnect attempts that follow lose nothing more.
      lostAt ??= now();
      abandonPublishes('the connection to the broker was lost before the publish was acknowledged');
    },
    brokerBack() {
      if (stopped) return;
      // What was sent while the connection was down may never reach the broker, and its acknowledgement never come.
      abandonPublishes('published while the connection to the broker was down');
      if (lostAt !== undefined) {
        republishFrom = Math.min(republishFrom ?? Infinity, lostAt - REPUBLISH_BEFORE_LOSS_MS);
        lostAt = undefined;
      } else if (failures === 0) return;
      failures = 0;
      claimDue = true;
      clearTimeout(timer);
      kick();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      await marks.flush();
      // Best effort: a relay that cannot release its rows leaves them to the lease.
      await releaseOutboxClaims(db, relayId).catch((err: unknown) => {
        log.warn({ err: errorMessage(err) }, 'outbox relay: could not release its rows; another relay takes them after the lease');
      });
    },
    stats() {
      return {
        published,
        duplicates,
        pending,
        refused,
        lastError,
        bySubject: new Map([...bySubject].map(([subject, t]) => [subject, { ...t }])),
      };
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
