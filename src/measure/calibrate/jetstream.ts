import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { ensureConsumer, ensureStream } from '../../platform/events/streams.ts';
import { NATS_CLIENT_OPTIONS, natsServers } from '../../platform/events/connection.ts';
import { processUsage } from '../engine/proc.ts';
import { ownCpuMs, saturate, type Saturation } from './sampler.ts';

export interface JetStreamPrimitiveOptions {
  /** ms measured */
  readonly durationMs: number;
  readonly natsUrl: string;
  /** the broker's process id, to add its CPU; unknown for a server we did not start, which leaves it out */
  readonly natsPid?: number;
  /** rounds in flight at once; default 16, as many as one consumer of the system handles at once */
  readonly concurrency?: number;
  /** bytes of each message; default 300, about an event of the collaboration style */
  readonly payloadBytes?: number;
}

export interface JetStreamSaturation extends Saturation {
  /** whether the broker's CPU is in cpuUsPerOp (only for a server whose process we can see) */
  readonly brokerCpuCounted: boolean;
  /** the broker's version, as it announced itself */
  readonly serverVersion: string | null;
}

/**
 * One JetStream round as an event of the system makes it: a publish with a Nats-Msg-Id, awaited
 * until the broker acknowledges it, then delivered to a durable pull consumer that acks it. A round
 * is complete when its message is acked; CPU is this process's plus the broker's.
 */
export async function measureJetStreamRound(opts: JetStreamPrimitiveOptions): Promise<JetStreamSaturation> {
  const nc = await connect({ ...NATS_CLIENT_OPTIONS, servers: natsServers(opts.natsUrl), timeout: 5_000 });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  // A name of its own, so a calibration can share a server with a running system.
  const tag = `CALIBRATE_${randomBytes(4).toString('hex')}`;
  const subject = `${tag.toLowerCase()}.round`;
  await ensureStream(jsm, { name: tag, subjects: [`${tag.toLowerCase()}.>`], duplicateWindowMs: 120_000 });
  // Ack wait well above a round on a loaded machine; a redelivery would count one round twice.
  await ensureConsumer(jsm, tag, { durable: 'calibrate', filterSubject: subject, maxAckPending: 1024, ackWaitMs: 30_000, maxDeliver: 1 });
  const waiting = new Map<string, () => void>();
  const consumer = await js.consumers.get(tag, 'calibrate');
  const messages = await consumer.consume({ max_messages: 256 });
  const consuming = (async () => {
    for await (const m of messages) {
      m.ack();
      const id = m.headers?.get('Nats-Msg-Id') ?? '';
      waiting.get(id)?.();
      waiting.delete(id);
    }
  })();
  const padding = 'x'.repeat(Math.max(0, (opts.payloadBytes ?? 300) - 40));
  const brokerCpuMs = async (): Promise<number> => (opts.natsPid === undefined ? 0 : ((await processUsage(opts.natsPid))?.cpuMs ?? 0));
  let n = 0;
  try {
    const result = await saturate({
      durationMs: opts.durationMs,
      concurrency: opts.concurrency ?? 16,
      cpuMs: async () => ownCpuMs() + (await brokerCpuMs()),
      op: async () => {
        const id = `${tag}-${++n}`;
        const consumed = new Promise<void>((resolve) => waiting.set(id, resolve));
        await js.publish(subject, JSON.stringify({ id, padding }), { msgID: id });
        await consumed;
      },
    });
    return { ...result, brokerCpuCounted: opts.natsPid !== undefined, serverVersion: nc.info?.version ?? null };
  } finally {
    messages.stop();
    await consuming.catch(() => undefined);
    await jsm.streams.delete(tag).catch(() => false);
    await nc.close();
  }
}
