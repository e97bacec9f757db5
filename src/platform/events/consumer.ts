import type { Consumer, ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { ClosedConnectionError, type NatsConnection } from '@nats-io/transport-node';
import { decodeEnvelope, envelopeCheck } from './envelope.ts';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.ts';
import { traceparentOf } from './trace.ts';
import { errorMessage, silentLog } from './log.ts';
import { isDatabaseUnavailable } from '../store/errors.ts';
import { socketTurn } from './socket-turn.ts';
import { DEAD_REASON_HEADER, ORIGINAL_SUBJECT_HEADER, deadLetterSubjectFor, readLimits, type ConsumerOptions, type HandlerOutcome, type RunningConsumer } from './consumer-contract.ts';

export { DEAD_REASON_HEADER, ORIGINAL_SUBJECT_HEADER, deadLetterSubjectFor } from './consumer-contract.ts';
export type { ConsumerOptions, ConsumerStats, DeliveryContext, EventHandler, HandlerOutcome, RunningConsumer } from './consumer-contract.ts';

/**
 * ms between tries of an event held while a dependency (the database, a peer service) is unavailable.
 * A try costs a refused connect, next to nothing; the event goes on within half a second of the
 * dependency's return, where a nak's backoff (seconds, fixed when the nak is sent) would leave a person
 * waiting for a notification long after the dependency was back.
 */
const HELD_RETRY_MS = 500;

export async function startConsumer<D = unknown>(opts: ConsumerOptions<D>): Promise<RunningConsumer> {
  const { js, stream, durable, handler } = opts;
  const check = opts.check ?? envelopeCheck;
  const dlqSubject = opts.deadLetterSubject ?? deadLetterSubjectFor(stream, durable);
  const concurrency = Math.max(1, opts.concurrency ?? 1);
  const prefetch = Math.max(concurrency, opts.prefetch ?? 16);
  const log = opts.log ?? silentLog;
  const unavailable = opts.unavailable ?? isDatabaseUnavailable;
  /** acks, naks, terms and workings of one turn share one socket write with the relay's publishes (socket-turn.ts) */
  const acks = socketTurn(js);

  let processed = 0;
  let retried = 0;
  let dead = 0;
  let lastDeadReason: string | undefined;
  let lastError: string | undefined;

  // Fails fast when the durable does not exist; afterwards the loop rides out reconnects (see followConnection).
  let consumer: Consumer = await js.consumers.get(stream, durable);
  let limits = readLimits(await consumer.info(true));

  let stopped = false;
  let messages: ConsumerMessages | undefined;
  const running = new Set<Promise<void>>();

  async function handle(m: JsMsg): Promise<void> {
    const headers = fromNatsHeaders(m.headers);
    const deliveryCount = m.info.deliveryCount;
    const decoded = decodeEnvelope<D>(m.data, check);
    if (!decoded.ok) return deadLetter(m, headers, decoded.error);
    const envelope = decoded.value;
    let outcome: HandlerOutcome;
    for (;;) {
      try {
        outcome = await handler(envelope, {
          deliveryCount,
          headers,
          subject: m.subject,
          streamSequence: m.seq,
          traceparent: traceparentOf(headers) ?? envelope.traceparent,
        });
      } catch (err) {
        // A dependency is down (the database, a peer service): no event can be handled until it is back,
        // and a nak would spend one of the few deliveries, so an outage longer than the backoff would
        // dead-letter good events. The message is held instead (its ack wait renewed) and tried again.
        if (!stopped && unavailable(err)) {
          await acks.issue(() => m.working());
          lastError = `dependency unavailable: ${errorMessage(err)}`;
          // Renewed well within the ack wait, or the broker would hand the message to another handler meanwhile.
          await new Promise((resolve) => setTimeout(resolve, Math.min(HELD_RETRY_MS, limits.ackWaitMs / 3)));
          continue;
        }
        outcome = { type: 'retry', reason: `handler threw: ${errorMessage(err)}` };
      }
      break;
    }
    switch (outcome.type) {
      case 'ack':
        // After the commit (the handler returned), sharing a socket write with the turn's other acks and publishes.
        await acks.issue(() => m.ack());
        processed++;
        return;
      case 'retry':
        // The broker would not deliver again after max_deliver; the message would sit unacked forever.
        if (limits.maxDeliver > 0 && deliveryCount >= limits.maxDeliver) {
          return deadLetter(m, headers, `gave up after ${deliveryCount} deliveries: ${outcome.reason}`);
        }
        await acks.issue(() => m.nak(outcome.delayMs ?? retryDelay(deliveryCount)));
        retried++;
        log.debug({ durable, seq: m.seq, deliveryCount, reason: outcome.reason }, 'event will be retried');
        return;
      case 'dead':
        return deadLetter(m, headers, outcome.reason);
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown handler outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  async function deadLetter(m: JsMsg, headers: Record<string, string>, reason: string): Promise<void> {
    const oneLine = reason.replace(/[\r\n]+/g, ' ').slice(0, 500);
    const copied = Object.fromEntries(Object.entries(headers).filter(([k]) => !k.toLowerCase().startsWith('nats-')));
    const dlqHeaders = toNatsHeaders({
      ...copied,
      [DEAD_REASON_HEADER]: oneLine,
      [ORIGINAL_SUBJECT_HEADER]: m.subject,
      'Interplay-Original-Stream': m.info.stream,
      'Interplay-Original-Sequence': String(m.seq),
      'Interplay-Original-Msg-Id': headers['Nats-Msg-Id'] ?? '',
      'Interplay-Consumer': durable,
      'Interplay-Delivery-Count': String(m.info.deliveryCount),
    });
    try {
      // The msg id makes a re-dead-lettering (after a crash before term) a duplicate, per consumer.
      await js.publish(dlqSubject, m.data, { headers: dlqHeaders, msgID: `${stream}.${durable}.${m.seq}` });
    } catch (err) {
      lastError = `dead-letter publish failed: ${errorMessage(err)}`;
      log.error({ durable, seq: m.seq, err: lastError }, 'could not dead-letter; will retry');
      await acks.issue(() => m.nak(retryDelay(m.info.deliveryCount)));
      retried++;
      return;
    }
    // No reason on the TERM: servers before 2.10.4 ignore `+TERM <reason>` as an unknown ack and
    // redeliver. The reason travels in the dead letter's header instead.
    await acks.issue(() => m.term());
    dead++;
    lastDeadReason = oneLine;
    log.warn({ durable, seq: m.seq, subject: m.subject, reason: oneLine }, 'event dead-lettered');
  }

  function retryDelay(deliveryCount: number): number {
    const { backoffMs } = limits;
    if (backoffMs.length > 0) return backoffMs[Math.min(deliveryCount, backoffMs.length) - 1] ?? 0;
    return Math.min(30_000, 250 * 2 ** (deliveryCount - 1));
  }

  /** every message this process holds, waiting for a handler or handled, and since when (ms) */
  const held = new Map<JsMsg, number>();
  /** pulled and waiting for one of the `concurrency` handlers, oldest first */
  const queue: JsMsg[] = [];
  /**
   * A message held longer than a third of the ack wait (waiting behind slow handlers, or handled by one
   * that waits on a peer) has its ack wait renewed, so the broker never hands it to another handler
   * while this live process still has it, and never spends its deliveries on it. That lets the ack wait
   * be short, so the messages a process that died had pulled come back soon. One timer for all of
   * them, running only while the process holds a message: at rest it would wake the process for nothing.
   */
  const beat = (): void => {
    const renewAfter = limits.ackWaitMs / 3;
    const now = Date.now();
    for (const [m, since] of held) if (now - since >= renewAfter) m.working();
  };
  let heartbeat: NodeJS.Timeout | undefined;
  const hold = (m: JsMsg): void => {
    held.set(m, Date.now());
    heartbeat ??= setInterval(beat, Math.max(100, limits.ackWaitMs / 3)).unref();
  };
  const release = (m: JsMsg): void => {
    held.delete(m);
    if (held.size > 0) return;
    clearInterval(heartbeat);
    heartbeat = undefined;
  };

  /** starts handlers for queued messages while fewer than `concurrency` run */
  function pump(): void {
    while (running.size < concurrency && queue.length > 0) {
      const m = queue.shift()!;
      const p: Promise<void> = runHandler(m).finally(() => {
        running.delete(p);
        pump();
      });
      running.add(p);
    }
  }

  async function runHandler(m: JsMsg): Promise<void> {
    try {
      await handle(m);
    } catch (err) {
      // Only our own bookkeeping can land here; the broker redelivers after ack wait.
      lastError = errorMessage(err);
      log.error({ durable, seq: m.seq, err: lastError }, 'event handling failed');
    } finally {
      release(m);
    }
  }

  /** tries since the consumer last answered, for the pause before the next */
  let attempt = 0;

  async function loop(): Promise<void> {
    while (!stopped) {
      if ((await pull()) === 'closed') return;
      // The iterator ended (closed after a reconnect, the consumer deleted): pull again once the consumer
      // answers, looked up after a pause that doubles while it does not. Capped at 1 s, as that is how
      // late the consumer may pull after a restarted broker's JetStream is ready; a lookup a second
      // costs next to nothing while the broker is not.
      for (;;) {
        if (stopped) return;
        await pause(Math.min(1_000, 100 * 2 ** attempt++));
        if (stopped) return;
        try {
          consumer = await js.consumers.get(stream, durable);
          limits = readLimits(await consumer.info(true));
          break;
        } catch (err) {
          if (err instanceof ClosedConnectionError) return;
          lastError = errorMessage(err);
        }
      }
    }
  }

  /** pulls and queues messages until the iterator ends; 'closed' when the connection is */
  async function pull(): Promise<'ended' | 'closed'> {
    try {
      messages = await consumer.consume({ max_messages: prefetch, ...(opts.pullExpiresMs ? { expires: opts.pullExpiresMs } : {}) });
      // A stop() that came while consume() was starting found no iterator to close; left open,
      // this one would wait out its pull's expiry before the loop could see `stopped`.
      if (stopped) {
        await messages.close();
        return 'ended';
      }
      for await (const m of messages) {
        attempt = 0;
        if (stopped) {
          m.nak(); // pulled but never started: hand it straight to another instance
          continue;
        }
        // Taken off the client's buffer at once, so that the heartbeat renews it while it waits.
        hold(m);
        queue.push(m);
        pump();
      }
    } catch (err) {
      if (err instanceof ClosedConnectionError) return 'closed';
      lastError = errorMessage(err);
      log.error({ durable, err: lastError }, 'consume failed; restarting');
    }
    return 'ended';
  }

  let interruptPause: (() => void) | undefined;
  function pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      interruptPause = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  /**
   * After a reconnect the pull the iterator had parked is gone with the old connection, and the client
   * would look the consumer up again only after its expiry's backoff when JetStream is not ready yet.
   * Instead the iterator is closed at once and the loop looks the consumer up from its shortest pause,
   * so the consumer pulls again within a few hundred ms of JetStream answering, whatever the expiry.
   */
  async function followConnection(connection: Pick<NatsConnection, 'status'>): Promise<void> {
    // The iterator ends when the connection closes.
    for await (const status of connection.status()) {
      if (stopped) return;
      if (status.type !== 'reconnect') continue;
      attempt = 0;
      interruptPause?.();
      await messages?.close();
    }
  }

  const looping = loop();
  if (opts.connection) void followConnection(opts.connection);

  return {
    async stop() {
      stopped = true;
      interruptPause?.();
      await messages?.close();
      await looping;
      // Pulled but never started: handed straight to another instance.
      for (const m of queue.splice(0)) {
        release(m);
        m.nak();
      }
      await Promise.all(running);
      clearInterval(heartbeat);
    },
    stats() {
      return { processed, retried, dead, lastDeadReason, lastError };
    },
  };
}
