import type { JetStreamManager } from '@nats-io/jetstream';
import { errorMessage, type EventLog } from './log.ts';

/**
 * ms after a publish before its stream is trimmed. Long enough that the consumers have handled and
 * acknowledged what was published (a handler takes milliseconds), short enough that a stream holds
 * a few seconds of events beyond its backlog. Under load a trim is three JetStream requests per
 * publishing process every 2 s.
 */
export const TRIM_AFTER_MS = 2_000;

/** What one trim found: the stream empty, messages removed, or nothing that every consumer had acknowledged. */
export type TrimResult = 'empty' | 'trimmed' | 'nothing acknowledged';

/**
 * Removes from a limits-retention stream every message that each of its consumers has acknowledged or
 * passed over: those at or below the lowest floor of them all. A consumer's floor is its acknowledgement
 * floor, or, when it owes nothing (no message of its filter waiting, none delivered and unacknowledged),
 * the last message it has looked at (`delivered.stream_seq`, which a filtered consumer moves past the
 * other subjects' messages): its acknowledgement floor stops at the last message of its own subject, and
 * would keep the other subjects' later messages until its next one. Never the stream's last message: on a
 * cluster the consumer's leader may hold a copy of the stream that is behind the stream leader's, and
 * "nothing pending" there says nothing of what it has not received yet. A purge is one replicated
 * operation, so every copy of the stream loses the same messages. A stream without consumers keeps
 * everything (a consumer made later would want it).
 */
export async function trimAcknowledged(jsm: JetStreamManager, stream: string): Promise<TrimResult> {
  const info = await jsm.streams.info(stream);
  if (info.state.messages === 0) return 'empty';
  let floor = Number.POSITIVE_INFINITY;
  for await (const consumer of jsm.consumers.list(stream)) {
    const owesNothing = consumer.num_pending === 0 && consumer.num_ack_pending === 0;
    const acknowledged = consumer.ack_floor.stream_seq;
    floor = Math.min(floor, owesNothing ? Math.max(acknowledged, consumer.delivered.stream_seq) : acknowledged);
  }
  if (!Number.isFinite(floor) || floor < info.state.first_seq) return 'nothing acknowledged';
  // Removes every message below `seq`.
  await jsm.streams.purge(stream, { seq: floor + 1 });
  return 'trimmed';
}

export interface StreamTrimmer {
  /** a message went to the stream: trim it TRIM_AFTER_MS later, unless a trim is due already */
  published(): void;
  stop(): void;
}

/**
 * Keeps a limits-retention stream to what some consumer still owes, as interest retention would, by
 * trimming it after publishes. It wakes only on work: after a publish, and again while each trim
 * removes something and leaves messages behind (consumers catching up). When a trim finds nothing
 * acknowledged, or fails (the broker gone), the next publish starts it again.
 */
export function streamTrimmer(opts: { jsm: JetStreamManager; stream: string; log: EventLog; afterMs?: number }): StreamTrimmer {
  const afterMs = opts.afterMs ?? TRIM_AFTER_MS;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;

  const schedule = (): void => {
    if (timer || running || stopped) return;
    timer = setTimeout(run, afterMs);
    timer.unref();
  };

  async function run(): Promise<void> {
    timer = undefined;
    running = true;
    let again = false;
    try {
      again = (await trimAcknowledged(opts.jsm, opts.stream)) === 'trimmed';
    } catch (err) {
      opts.log.debug({ stream: opts.stream, err: errorMessage(err) }, 'stream trim failed; the next publish tries again');
    } finally {
      running = false;
    }
    if (again) schedule();
  }

  return {
    published: schedule,
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
