import type { Kysely } from 'kysely';
import type { EventTables } from './tables.ts';
import { errorMessage, type EventLog } from './log.ts';

/**
 * ms a published row waits, at most, for the rows published after it to be marked sent in the same
 * statement. A mark per row was its own commit: three of the seven commits of a collaboration order.
 * A row published but not yet marked when the process dies is published again after its lease, and
 * dropped as a duplicate by the broker (its Nats-Msg-Id) or by the consumers' inbox, so the wait risks
 * nothing but a republish; 10 ms is well below anything a user waits for, since the message is already out.
 */
export const MARK_DELAY_MS = 10;

/**
 * How long a sent row stays in the outbox. A published row has no use left (claims read only unsent
 * rows, through a partial index), but without deletes every event an order ever raised stays on disk:
 * a third of a collaboration order's bytes. A minute keeps the recent traffic readable in the file.
 */
export const OUTBOX_KEEP_SENT_MS = 60_000;

/** ids per UPDATE … IN (…): well under SQLite's limit of bound parameters */
const MARK_CHUNK = 500;

/**
 * Sent rows deleted per statement, at most every PRUNE_EVERY_MS. The statement runs on the event loop
 * (better-sqlite3 is synchronous), so a backlog of sent rows (after a restart, say) goes in bounded
 * steps, not in one long delete; and 5,000 rows a second is about four times the 1,260 rows a second of
 * the highest rate an event style held here (420 orders/s, 3 events each).
 */
const PRUNE_BATCH = 1_000;
const PRUNE_EVERY_MS = 200;

export interface OutboxMarksOptions {
  readonly db: Kysely<EventTables>;
  /** ms since epoch, for sent_at */
  readonly now: () => number;
  readonly log: EventLog;
  /** default MARK_DELAY_MS; 0 marks at once */
  readonly markDelayMs?: number;
  /** default OUTBOX_KEEP_SENT_MS */
  readonly keepSentMs?: number;
  /** a mark failed: the rows stay unsent, and a later claim publishes them again; returns false */
  readonly onMarkFailed: (err: unknown) => false;
}

/** How a relay records what the broker acknowledged: marks shared by the rows of up to markDelayMs, then the old sent rows deleted. */
export interface OutboxMarks {
  /** the broker acknowledged these rows; they are marked within markDelayMs (flush() marks them at once) */
  published(ids: readonly string[]): void;
  /** marks every row published so far; resolves once they are, false when the mark failed */
  flush(): Promise<boolean>;
}

export function outboxMarks(opts: OutboxMarksOptions): OutboxMarks {
  const { db, now, log } = opts;
  const markDelayMs = opts.markDelayMs ?? MARK_DELAY_MS;
  const keepSentMs = opts.keepSentMs ?? OUTBOX_KEEP_SENT_MS;
  let unmarked: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  let marking: Promise<boolean> | undefined;
  let prunedAt = 0;

  async function flush(): Promise<boolean> {
    clearTimeout(timer);
    timer = undefined;
    // One mark at a time: a caller returns only once the rows published before its call are marked.
    while (marking) await marking;
    if (unmarked.length === 0) return true;
    const ids = unmarked;
    unmarked = [];
    marking = mark(ids);
    try {
      return await marking;
    } finally {
      marking = undefined;
    }
  }

  async function mark(ids: readonly string[]): Promise<boolean> {
    try {
      for (let at = 0; at < ids.length; at += MARK_CHUNK) {
        await db
          .updateTable('outbox')
          .set({ sent_at: now() })
          .where('id', 'in', ids.slice(at, at + MARK_CHUNK))
          .where('sent_at', 'is', null)
          .execute();
      }
    } catch (err) {
      return opts.onMarkFailed(err);
    }
    await prune();
    return true;
  }

  /** Deletes the oldest rows sent more than keepSentMs ago, a batch at a time; a failure waits for the next. */
  async function prune(): Promise<void> {
    const at = now();
    if (at - prunedAt < PRUNE_EVERY_MS) return;
    prunedAt = at;
    const cutoff = at - keepSentMs;
    await db
      .deleteFrom('outbox')
      .where((eb) =>
        eb('id', 'in', eb.selectFrom('outbox').select('id').where('sent_at', 'is not', null).where('sent_at', '<', cutoff).orderBy('sent_at').limit(PRUNE_BATCH)),
      )
      .execute()
      .catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'outbox relay: could not delete sent rows; will try again'));
  }

  return {
    published(ids) {
      if (ids.length === 0) return;
      unmarked.push(...ids);
      timer ??= setTimeout(() => void flush(), markDelayMs);
      timer.unref();
    },
    flush,
  };
}
