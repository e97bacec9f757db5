import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { EventTables, OutboxTable } from './tables.ts';
import type { OutboxRelay, OutboxRelayOptions } from './relay-contract.ts';
import { claimOutboxRows, releaseOutboxClaims } from './outbox-claims.ts';
import { brokerLoss } from './relay-broker-loss.ts';
import { outboxMarks } from './outbox-marks.ts';
import { toNatsHeaders } from './nats-headers.ts';
import { socketTurn } from './socket-turn.ts';
import { errorMessage, silentLog } from './log.ts';

export type { OutboxRelay, OutboxRelayOptions, OutboxRelayStats, PublishSpan, SubjectTraffic } from './relay-contract.ts';

/**
 * ms a relay holds the rows it claimed. Longer than a batch normally takes (every publish in it
 * times out after 5 s at most, and marking may wait busy_timeout, 5 s, for the write lock), so a
 * live relay keeps its rows; short enough that a dead replica's events wait at most this long for
 * another relay; and well inside JetStream's 2-minute duplicate window, so that a relay which was
 * only slow, not dead, and publishes after the takeover is still dropped as a duplicate.
 */
export const OUTBOX_LEASE_MS = 30_000;

export { REPUBLISH_BEFORE_ELECTION_MS, REPUBLISH_BEFORE_LOSS_MS } from './relay-broker-loss.ts';

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
  const loss = brokerLoss({ db, relayId, now, log });
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
      if (!(await reopen())) return false;
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
      js.publish(row.subject, row.payload, { msgID: loss.msgIdOf(row.id), headers: toNatsHeaders(headers), timeout: publishTimeoutMs }),
    );
    // Given up below when the connection is lost; its own timeout must not surface as unhandled.
    acking.catch(() => undefined);
    const ack = await Promise.race([acking, loss.abandoned()]);
    loss.sent(row.id);
    published++;
    if (ack.duplicate) duplicates++;
    const traffic = bySubject.get(row.subject) ?? { messages: 0, bytes: 0 };
    traffic.messages++;
    const bytes = Buffer.byteLength(row.payload);
    traffic.bytes += bytes;
    bySubject.set(row.subject, traffic);
    opts.onPublished?.(row.subject, bytes, ack.duplicate, { traceparent: headers?.['traceparent'], startMs, endMs: Date.now() });
  }

  /** the rows due to go out again after a lost connection become unsent (relay-broker-loss.ts) */
  async function reopen(): Promise<boolean> {
    try {
      await loss.reopenDue();
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
      loss.lost();
    },
    leaderElected() {
      if (stopped) return;
      loss.elected();
      claimDue = true;
      // During a backoff the retry's claim reopens them.
      if (failures === 0) kick();
    },
    brokerBack() {
      if (stopped) return;
      // After a loss, the rows sent just before it are published again; otherwise only a backoff is cut short.
      if (!loss.back() && failures === 0) return;
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
