import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AckPolicy, DeliverPolicy, RetentionPolicy } from '@nats-io/jetstream';
import { streamTrimmer, trimAcknowledged } from '../src/platform/events/stream-trim.ts';
import { silentLog } from '../src/platform/events/log.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';

/** A limits-retention stream with two filtered consumers, as the event streams are on a cluster. */
let nats: TestNats;
beforeAll(async () => {
  nats = await setupNats();
});
afterAll(() => nats?.teardown());

async function aStreamWithTwoConsumers() {
  const stream = nats.unique('TRIM');
  const subject = nats.unique('trim');
  await nats.jsm.streams.add({ name: stream, subjects: [`${subject}.>`], retention: RetentionPolicy.Limits });
  for (const kind of ['created', 'changed']) {
    await nats.jsm.consumers.add(stream, {
      durable_name: kind,
      filter_subject: `${subject}.${kind}`,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
    });
  }
  const publish = (kind: string, n: number) => nats.js.publish(`${subject}.${kind}`, new TextEncoder().encode(String(n)));
  /** fetches and acknowledges up to `count` messages of one consumer; their payloads */
  const acknowledge = async (kind: string, count: number) => {
    const batch = await (await nats.js.consumers.get(stream, kind)).fetch({ max_messages: count, expires: 1_000 });
    const got: string[] = [];
    for await (const m of batch) {
      got.push(new TextDecoder().decode(m.data));
      await m.ackAck();
      if (got.length === count) break;
    }
    return got;
  };
  const held = async () => (await nats.jsm.streams.info(stream)).state;
  return { stream, publish, acknowledge, held };
}

describe('trimming a limits-retention stream to what its consumers still owe', () => {
  it('removes only what every consumer has acknowledged, and keeps what one of them still owes', async () => {
    const s = await aStreamWithTwoConsumers();
    await s.publish('created', 1);
    await s.publish('changed', 2);
    await s.publish('created', 3);

    // One consumer has taken everything it wants; the other nothing yet.
    expect(await s.acknowledge('created', 2)).toEqual(['1', '3']);
    expect(await trimAcknowledged(nats.jsm, s.stream)).toBe('nothing acknowledged');
    expect((await s.held()).messages).toBe(3);

    // `changed` has taken its one message and looked no further: the later `created` stays until it has.
    expect(await s.acknowledge('changed', 1)).toEqual(['2']);
    expect(await trimAcknowledged(nats.jsm, s.stream)).toBe('trimmed');
    expect(await s.held()).toMatchObject({ messages: 1, first_seq: 3 });

    // Once it has looked past it (a pull that finds nothing of its own), nobody owes anything.
    expect(await s.acknowledge('changed', 1)).toEqual([]);
    expect(await trimAcknowledged(nats.jsm, s.stream)).toBe('trimmed');
    expect((await s.held()).messages).toBe(0);
    expect(await trimAcknowledged(nats.jsm, s.stream)).toBe('empty');
  });

  it('keeps everything while a consumer holds a message unacknowledged, however far the others are', async () => {
    const s = await aStreamWithTwoConsumers();
    for (let n = 1; n <= 4; n++) await s.publish(n % 2 ? 'created' : 'changed', n);
    expect(await s.acknowledge('created', 2)).toEqual(['1', '3']);
    // `changed` is handed its first message and has not acknowledged it.
    const batch = await (await nats.js.consumers.get(s.stream, 'changed')).fetch({ max_messages: 1, expires: 1_000 });
    for await (const m of batch) expect(new TextDecoder().decode(m.data)).toBe('2');

    // `changed` has acknowledged nothing, so its floor is below the first message: nothing goes.
    expect(await trimAcknowledged(nats.jsm, s.stream)).toBe('nothing acknowledged');
    expect(await s.held()).toMatchObject({ messages: 4, first_seq: 1 });
  });

  it('a trimmer trims the stream after publishes, once its consumers have taken everything', async () => {
    const s = await aStreamWithTwoConsumers();
    const trimmer = streamTrimmer({ jsm: nats.jsm, stream: s.stream, log: silentLog, afterMs: 100 });
    try {
      await s.publish('created', 1);
      await s.publish('changed', 2);
      // Each consumer takes its message and pulls again, finding nothing more: as the services' consumers do.
      for (const kind of ['created', 'changed']) {
        expect(await s.acknowledge(kind, 1)).toHaveLength(1);
        expect(await s.acknowledge(kind, 1)).toEqual([]);
      }
      trimmer.published();
      await eventually(async () => (await s.held()).messages === 0, { what: 'the trim after the publishes' });
      expect((await s.held()).last_seq).toBe(2);
    } finally {
      trimmer.stop();
    }
  });
});
