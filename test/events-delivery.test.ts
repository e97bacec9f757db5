import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { jetstream } from '@nats-io/jetstream';
import type { JetStreamClient } from '@nats-io/jetstream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  appendToOutbox,
  claimInbox,
  createEventTables,
  DEAD_REASON_HEADER,
  ensureConsumer,
  ensureStream,
  newEnvelope,
  newTraceparent,
  ORIGINAL_SUBJECT_HEADER,
  startConsumer,
  startOutboxRelay,
  REPUBLISH_BEFORE_ELECTION_MS,
  REPUBLISH_BEFORE_LOSS_MS,
} from '../src/platform/events/index.ts';
import type {
  ConsumerDefinition,
  EventEnvelope,
  EventTables,
  HandlerOutcome,
  OutboxRelay,
  RunningConsumer,
} from '../src/platform/events/index.ts';
import { isPeerUnavailable, UpstreamUnavailable } from '../src/platform/http/errors.ts';
import { eventually, setupNats } from './support/nats.ts';
import type { TestNats } from './support/nats.ts';

// A toy service database: the event tables plus one effect, a counter per key.
interface ToyDb extends EventTables {
  counters: { key: string; value: number };
}
interface Bump {
  key: string;
  poison?: boolean;
}

const dirs: string[] = [];
const dbs: Kysely<ToyDb>[] = [];

async function aToyDb(): Promise<Kysely<ToyDb>> {
  const dir = mkdtempSync(join(tmpdir(), 'interplay-events-'));
  dirs.push(dir);
  const db = new Kysely<ToyDb>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'toy.db')) }) });
  dbs.push(db);
  await createEventTables(db);
  await createEventTables(db); // idempotent
  await db.schema
    .createTable('counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  return db;
}

/** The effect, applied at most once per (consumer, event) — the shape every real handler takes. */
async function bumpOnce(db: Kysely<ToyDb>, consumer: string, env: EventEnvelope<Bump>): Promise<'applied' | 'duplicate'> {
  return db.transaction().execute(async (trx) => {
    if (!(await claimInbox(trx, consumer, env.id))) return 'duplicate';
    await trx
      .insertInto('counters')
      .values({ key: env.data.key, value: 1 })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: sql`counters.value + 1` }))
      .execute();
    return 'applied';
  });
}

async function counter(db: Kysely<ToyDb>, key: string): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value ?? 0;
}

async function unsent(db: Kysely<ToyDb>): Promise<string[]> {
  const rows = await db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute();
  return rows.map((r) => r.id);
}

let nats: TestNats;
/**
 * A relay named `owner` on a clock the test moves (`advance`), marking at once; `hand(key)` commits one row
 * for it, hands it over and waits until it is marked sent, and gives the row's id.
 */
function aClockedRelay(db: Kysely<ToyDb>, subject: string) {
  let clock = 1_000_000;
  const relay = startOutboxRelay({ db, js: nats.js, pollMs: 60_000, relayId: 'owner', markDelayMs: 0, now: () => clock });
  running.push(relay);
  const hand = async (key: string): Promise<string> => {
    const row = await db.transaction().execute((trx) => appendToOutbox(trx, { subject, envelope: newEnvelope('toy.bumped', { key }), claim: relay.claimForNewRows() }));
    relay.handOver([row]);
    await eventually(async () => (await unsent(db)).length === 0, { what: `${key} to be marked sent` });
    return row.id;
  };
  return { relay, hand, advance: (ms: number) => void (clock += ms) };
}

const running: Array<OutboxRelay | RunningConsumer> = [];

beforeAll(async () => {
  nats = await setupNats();
});
afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});
afterAll(async () => {
  for (const db of dbs) await db.destroy();
  await nats?.teardown();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh stream (and dead-letter stream) with subjects of its own, so tests never see each other's events. */
async function aStream(opts: { duplicateWindowMs?: number } = {}) {
  const name = nats.unique('T');
  const prefix = name.toLowerCase();
  const dlq = nats.unique('DLQ');
  await ensureStream(nats.jsm, { name, subjects: [`${prefix}.>`], duplicateWindowMs: opts.duplicateWindowMs ?? 120_000 });
  await ensureStream(nats.jsm, { name, subjects: [`${prefix}.>`], duplicateWindowMs: opts.duplicateWindowMs ?? 120_000 });
  await ensureStream(nats.jsm, { name: dlq, subjects: [`${dlq.toLowerCase()}.>`], duplicateWindowMs: 120_000 });
  return { name, subject: `${prefix}.toy.bumped`, dlq, dlqSubject: `${dlq.toLowerCase()}.${name}` };
}

type Stream = Awaited<ReturnType<typeof aStream>>;

async function aConsumer(
  stream: Stream,
  def: Partial<ConsumerDefinition>,
  handler: (env: EventEnvelope<Bump>, deliveryCount: number) => Promise<HandlerOutcome>,
  js: JetStreamClient = nats.js,
  unavailable?: (err: unknown) => boolean,
): Promise<{ consumer: RunningConsumer }> {
  const durable = def.durable ?? nats.unique('toy');
  await ensureConsumer(nats.jsm, stream.name, {
    durable,
    filterSubject: stream.subject,
    maxAckPending: 10,
    ackWaitMs: 2_000,
    maxDeliver: 5,
    ...def,
  });
  const consumer = await startConsumer<Bump>({
    js,
    stream: stream.name,
    durable,
    deadLetterSubject: `${stream.dlqSubject}.${durable}`,
    ...(unavailable ? { unavailable } : {}),
    handler: (env, ctx) => handler(env, ctx.deliveryCount),
  });
  running.push(consumer);
  return { consumer };
}

async function messagesIn(stream: string): Promise<number> {
  return (await nats.jsm.streams.info(stream)).state.messages;
}

describe('outbox relay', () => {
  it('publishes a committed row exactly once, marks it sent, and never publishes a rolled-back row', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    const committed = newEnvelope('toy.bumped', { key: 'a' }, { traceparent: newTraceparent() });
    await db.transaction().execute((trx) => appendToOutbox(trx, { subject: stream.subject, envelope: committed }));
    const rolledBack = newEnvelope('toy.bumped', { key: 'b' });
    await expect(
      db.transaction().execute(async (trx) => {
        await appendToOutbox(trx, { subject: stream.subject, envelope: rolledBack });
        throw new Error('state change refused');
      }),
    ).rejects.toThrow('state change refused');

    const relay = startOutboxRelay({ db, js: nats.js, pollMs: 5_000 });
    running.push(relay);
    relay.wake();
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the committed row to be marked sent' });

    // A later row proves the relay ran passes after the rollback; the stream holds only committed events.
    const later = newEnvelope('toy.bumped', { key: 'c' });
    await db.transaction().execute((trx) => appendToOutbox(trx, { subject: stream.subject, envelope: later }));
    relay.wake();
    await eventually(async () => (await messagesIn(stream.name)) === 2, { what: 'the later row' });
    const first = await nats.jsm.streams.getMessage(stream.name, { seq: 1 });
    expect(first?.header.get('Nats-Msg-Id')).toBe(committed.id);
    expect(first?.header.get('traceparent')).toBe(committed.traceparent);
    expect(first?.json<EventEnvelope>()).toEqual(committed);
    expect((await nats.jsm.streams.getMessage(stream.name, { seq: 2 }))?.json<EventEnvelope>().id).toBe(later.id);

    // A second relay (a restart) finds nothing unsent and republishes nothing.
    await relay.stop();
    const restarted = startOutboxRelay({ db, js: nats.js, pollMs: 5_000 });
    running.push(restarted);
    const last = newEnvelope('toy.bumped', { key: 'd' });
    await db.transaction().execute((trx) => appendToOutbox(trx, { subject: stream.subject, envelope: last }));
    restarted.wake();
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the last row' });
    expect(await messagesIn(stream.name)).toBe(3);
    expect(restarted.stats()).toMatchObject({ published: 1, duplicates: 0, pending: 0 });
    const traffic = relay.stats().bySubject.get(stream.subject);
    expect(traffic?.messages).toBe(2);
    expect(traffic?.bytes).toBe(Buffer.byteLength(JSON.stringify(committed)) + Buffer.byteLength(JSON.stringify(later)));
  });

  it('publishes rows handed over after their commit, in commit order, and no other relay takes them', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    // The owner never polls: only the handover can get the rows published. The other polls all the time.
    const owner = startOutboxRelay({ db, js: nats.js, pollMs: 60_000, relayId: 'owner' });
    const other = startOutboxRelay({ db, js: nats.js, pollMs: 20, relayId: 'other' });
    running.push(owner, other);
    const envelopes = ['a', 'b', 'c'].map((key) => newEnvelope('toy.bumped', { key }));
    const rows = await db.transaction().execute(async (trx) => {
      const appended = [];
      for (const envelope of envelopes) {
        appended.push(await appendToOutbox(trx, { subject: stream.subject, envelope, claim: owner.claimForNewRows() }));
      }
      return appended;
    });
    owner.handOver(rows);
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the handed rows to be marked sent' });
    expect(owner.stats()).toMatchObject({ published: 3, duplicates: 0 });
    expect(other.stats().published).toBe(0);
    for (const [i, envelope] of envelopes.entries()) {
      expect((await nats.jsm.streams.getMessage(stream.name, { seq: i + 1 }))?.json<EventEnvelope>().id).toBe(envelope.id);
    }
  });

  it('marks the rows published within the mark delay sent together, once their messages are out', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    const relay = startOutboxRelay({ db, js: nats.js, pollMs: 60_000, relayId: 'owner', markDelayMs: 300 });
    running.push(relay);
    for (const key of ['a', 'b', 'c']) {
      const row = await db
        .transaction()
        .execute((trx) => appendToOutbox(trx, { subject: stream.subject, envelope: newEnvelope('toy.bumped', { key }), claim: relay.claimForNewRows() }));
      relay.handOver([row]);
    }
    await eventually(async () => (await messagesIn(stream.name)) === 3, { what: 'the three messages to be out' });
    expect(await unsent(db), 'marked only after the delay').toHaveLength(3);
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the rows to be marked sent' });
    const marks = await db.selectFrom('outbox').select('sent_at').execute();
    expect(new Set(marks.map((m) => m.sent_at)).size, 'one statement marked all three').toBe(1);
    expect(relay.stats()).toMatchObject({ published: 3, duplicates: 0 });
  });

  it('deletes rows sent longer ago than it keeps them, and never a row still unsent', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    const relay = startOutboxRelay({ db, js: nats.js, pollMs: 60_000, relayId: 'owner', markDelayMs: 0, keepSentMs: 100 });
    running.push(relay);
    const append = (key: string, claim = relay.claimForNewRows()) =>
      db.transaction().execute((trx) => appendToOutbox(trx, { subject: stream.subject, envelope: newEnvelope('toy.bumped', { key }), claim }));
    const handOne = async (key: string) => {
      const row = await append(key);
      relay.handOver([row]);
      return row;
    };
    const old = [await handOne('a'), await handOne('b')];
    // Another relay's row, under a lease that outlives the test: unsent, so never deleted.
    const theirs = await append('c', { relayId: 'other', until: Date.now() + 60_000 });
    await eventually(async () => (await messagesIn(stream.name)) === 2, { what: 'the rows to be published' });
    await new Promise((r) => setTimeout(r, 350));
    const recent = await handOne('d');
    await eventually(async () => (await messagesIn(stream.name)) === 3, { what: 'the last row to be published' });
    const left = await eventually(async () => {
      const ids = (await db.selectFrom('outbox').select('id').execute()).map((r) => r.id);
      return !ids.includes(old[0]!.id) && ids;
    }, { what: 'the old sent rows to be deleted' });
    expect(left.sort()).toEqual([theirs.id, recent.id].sort());
  });

  it('keeps rows unsent while the broker refuses them and publishes them once it accepts', async () => {
    const db = await aToyDb();
    const name = nats.unique('T');
    const subject = `${name.toLowerCase()}.toy.bumped`;
    const envelope = newEnvelope('toy.bumped', { key: 'a' });
    await db.transaction().execute((trx) => appendToOutbox(trx, { subject, envelope }));

    // No stream captures the subject yet: every publish fails, as with a broker that is down.
    const relay = startOutboxRelay({ db, js: nats.js, pollMs: 5_000, retryMinMs: 20, retryMaxMs: 200, publishTimeoutMs: 500 });
    running.push(relay);
    await eventually(() => relay.stats().lastError !== undefined, { what: 'a publish failure' });
    expect(await unsent(db)).toEqual([envelope.id]);
    expect(relay.stats()).toMatchObject({ published: 0, pending: 1 });

    await ensureStream(nats.jsm, { name, subjects: [`${name.toLowerCase()}.>`], duplicateWindowMs: 120_000 });
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the retry to succeed' });
    expect(await messagesIn(name)).toBe(1);
  });

  it('tries again at once when the broker is back, instead of waiting out its backoff', async () => {
    const db = await aToyDb();
    const name = nats.unique('T');
    const subject = `${name.toLowerCase()}.toy.bumped`;
    const envelope = newEnvelope('toy.bumped', { key: 'a' });
    await db.transaction().execute((trx) => appendToOutbox(trx, { subject, envelope }));

    // Every publish fails (no stream yet), and the backoff after a failure is a minute.
    const relay = startOutboxRelay({ db, js: nats.js, pollMs: 60_000, retryMinMs: 60_000, retryMaxMs: 60_000, publishTimeoutMs: 500 });
    running.push(relay);
    await eventually(() => relay.stats().lastError !== undefined, { what: 'a publish failure' });
    await ensureStream(nats.jsm, { name, subjects: [`${name.toLowerCase()}.>`], duplicateWindowMs: 120_000 });

    relay.brokerBack();
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the row to go out after brokerBack', timeoutMs: 3_000 });
    expect(await messagesIn(name)).toBe(1);
  });

  it('publishes again the rows it marked sent just before the connection to the broker was lost, and no older ones', async () => {
    // nats-server 2.9 acknowledges publishes while it shuts down and an interest stream drops them:
    // what went out just before a lost connection may be gone (see REPUBLISH_BEFORE_LOSS_MS).
    const stream = await aStream({ duplicateWindowMs: 100 });
    const db = await aToyDb();
    const { relay, hand, advance } = aClockedRelay(db, stream.subject);
    await hand('old');
    advance(REPUBLISH_BEFORE_LOSS_MS + 1);
    await hand('recent');
    advance(10);
    relay.brokerLost();
    // Past the stream's duplicate window, so that the broker stores the republished copy: it stands for one it had dropped.
    await new Promise((resolve) => setTimeout(resolve, 200));
    relay.brokerBack();
    await eventually(async () => (await messagesIn(stream.name)) === 3, { what: 'the recent row to be published again' });
    const last = await nats.jsm.streams.getMessage(stream.name, { seq: 3 });
    expect(last?.json<EventEnvelope<Bump>>().data.key).toBe('recent');
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the republished row to be marked sent again' });
    expect(relay.stats()).toMatchObject({ published: 3, duplicates: 0 });
  });

  it('publishes again, under new message ids, the rows it sent in the 30 s before a leader election, and the inbox applies each once', async () => {
    // A cluster of nats-server 2.9 may lose acknowledged messages around a node's restart, and the
    // stream's leader still holds their ids: only a new id gets them stored again (see REPUBLISH_BEFORE_ELECTION_MS).
    const stream = await aStream();
    const db = await aToyDb();
    const consumerDb = await aToyDb();
    const { relay, hand, advance } = aClockedRelay(db, stream.subject);
    await hand('old');
    advance(REPUBLISH_BEFORE_ELECTION_MS + 1);
    const recent = await hand('recent');
    const durable = nats.unique('toy');
    const seen: string[] = [];
    const { consumer } = await aConsumer(stream, { durable }, async (env) => {
      seen.push(`${env.data.key} ${await bumpOnce(consumerDb, durable, env)}`);
      return { type: 'ack' };
    });
    await eventually(() => consumer.stats().processed === 2, { what: 'both events to be handled' });

    advance(10);
    relay.leaderElected();
    await eventually(async () => (await messagesIn(stream.name)) === 3, { what: 'the recent row to be published again' });
    const again = await nats.jsm.streams.getMessage(stream.name, { seq: 3 });
    expect(again?.json<EventEnvelope<Bump>>().data.key).toBe('recent');
    expect(again?.header.get('Nats-Msg-Id')).not.toBe(recent);
    expect(again?.header.get('Nats-Msg-Id')).toMatch(new RegExp(`^${recent}\\.`));
    await eventually(() => consumer.stats().processed === 3, { what: 'the copy to be handled' });
    expect(seen).toEqual(['old applied', 'recent applied', 'recent duplicate']);
    expect(await counter(consumerDb, 'recent')).toBe(1);
    await eventually(async () => (await unsent(db)).length === 0, { what: 'the republished row to be marked sent again' });
  });

  it('applies the effect once when a relay dies between publishing and marking the row sent', async () => {
    const stream = await aStream();
    const producer = await aToyDb();
    const consumerDb = await aToyDb();
    const envelope = newEnvelope('toy.bumped', { key: 'a' });
    await producer.transaction().execute((trx) => appendToOutbox(trx, { subject: stream.subject, envelope }));

    // The first relay's last act: it published the row and died before marking it.
    const row = await producer.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    await nats.js.publish(row.subject, row.payload, { msgID: row.id });

    const seen: string[] = [];
    const durable = nats.unique('toy');
    const { consumer } = await aConsumer(stream, { durable }, async (env) => {
      seen.push(await bumpOnce(consumerDb, durable, env));
      return { type: 'ack' };
    });
    const relay = startOutboxRelay({ db: producer, js: nats.js, pollMs: 5_000 });
    running.push(relay);
    await eventually(async () => (await unsent(producer)).length === 0, { what: 'the second relay to mark the row' });
    expect(relay.stats()).toMatchObject({ published: 1, duplicates: 1 });
    expect(await messagesIn(stream.name)).toBe(1);

    // Past the duplicate window the broker would store the republish again; the inbox still holds.
    await nats.js.publish(row.subject, row.payload, { msgID: `${row.id}-after-window` });
    await eventually(() => consumer.stats().processed === 2, { what: 'both copies to be handled' });
    expect(seen).toEqual(['applied', 'duplicate']);
    expect(await counter(consumerDb, 'a')).toBe(1);
  });
});

describe('event consumer', () => {
  it('applies the effect once when the consumer dies after committing but before acking', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    const durable = nats.unique('toy');
    await ensureConsumer(nats.jsm, stream.name, {
      durable,
      filterSubject: stream.subject,
      maxAckPending: 10,
      ackWaitMs: 300,
      maxDeliver: 5,
    });
    const envelope = newEnvelope('toy.bumped', { key: 'a' });
    await nats.js.publish(stream.subject, JSON.stringify(envelope), { msgID: envelope.id });

    // A process that commits the effect, then dies before its ack leaves.
    const doomed = await nats.connect();
    const first = await (await jetstream(doomed).consumers.get(stream.name, durable)).next({ expires: 5_000 });
    expect(first?.info.deliveryCount).toBe(1);
    expect(await bumpOnce(db, durable, first!.json<EventEnvelope<Bump>>())).toBe('applied');
    await doomed.close();

    const seen: Array<{ result: string; deliveryCount: number }> = [];
    const { consumer } = await aConsumer(stream, { durable, ackWaitMs: 300 }, async (env, deliveryCount) => {
      seen.push({ result: await bumpOnce(db, durable, env), deliveryCount });
      return { type: 'ack' };
    });
    await eventually(() => consumer.stats().processed === 1, { what: 'the redelivery after ack wait' });
    expect(seen).toEqual([{ result: 'duplicate', deliveryCount: 2 }]);
    expect(await counter(db, 'a')).toBe(1);
    await eventually(async () => (await nats.jsm.consumers.info(stream.name, durable)).num_ack_pending === 0, {
      what: 'the ack to land',
    });
  });

  it('dead-letters malformed events and refused ones with a reason and still handles the next good event', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    const durable = nats.unique('toy');
    const { consumer } = await aConsumer(stream, { durable }, async (env) => {
      if (env.data.key === 'unknown') return { type: 'dead', reason: 'no such toy' };
      await bumpOnce(db, durable, env);
      return { type: 'ack' };
    });
    await nats.js.publish(stream.subject, '{"id": not json');
    const noId = { type: 'toy.bumped', occurredAt: new Date().toISOString(), data: { key: 'x' } };
    await nats.js.publish(stream.subject, JSON.stringify(noId));
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'unknown' })));
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'good' })));

    await eventually(() => consumer.stats().processed === 1 && consumer.stats().dead === 3, { what: 'all four events' });
    expect(await counter(db, 'good')).toBe(1);
    const dlqSubject = `${stream.dlqSubject}.${durable}`;
    const dead = await Promise.all([1, 2, 3].map((seq) => nats.jsm.streams.getMessage(stream.dlq, { seq })));
    expect(dead.map((m) => m?.subject)).toEqual([dlqSubject, dlqSubject, dlqSubject]);
    expect(dead.map((m) => m?.header.get(DEAD_REASON_HEADER))).toEqual([
      expect.stringMatching(/^not JSON/),
      expect.stringMatching(/^invalid envelope: \/id/),
      'no such toy',
    ]);
    expect(dead[0]?.header.get(ORIGINAL_SUBJECT_HEADER)).toBe(stream.subject);
    expect(dead[0]?.string()).toBe('{"id": not json');
    expect(consumer.stats().lastDeadReason).toBe('no such toy');
    // Terminated, not pending: nothing comes back after ack wait.
    await eventually(
      async () => {
        const info = await nats.jsm.consumers.info(stream.name, durable);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: 3_000, what: 'no pending or unacked messages' },
    );
  });

  it('dead-letters an event whose handler keeps failing after maxDeliver without holding back the next one', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    // Both are in the stream before the consumer starts, so the good one waits right behind the poison.
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'poison', poison: true })));
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'good' })));
    const calls: string[] = [];
    const durable = nats.unique('toy');
    const { consumer } = await aConsumer(
      stream,
      // With a backoff the broker waits its first step for any first delivery's ack, the good event's
      // too: 50 ms let a loaded machine see the good event redelivered before its ack. 1 s each keeps
      // the poison's three deliveries within about 2 s.
      { durable, maxDeliver: 3, backoffMs: [1_000, 1_000], ackWaitMs: 1_000 },
      async (env, deliveryCount) => {
        calls.push(`${env.data.key}#${deliveryCount}`);
        if (env.data.poison) throw new Error('boom');
        await bumpOnce(db, durable, env);
        return { type: 'ack' };
      },
    );

    await eventually(() => consumer.stats().dead === 1, { what: 'the poison event to be dead-lettered' });
    expect(calls.filter((c) => c.startsWith('poison'))).toEqual(['poison#1', 'poison#2', 'poison#3']);
    expect(calls.indexOf('good#1')).toBeLessThan(calls.indexOf('poison#2'));
    expect(await counter(db, 'good')).toBe(1);
    expect(consumer.stats()).toMatchObject({ processed: 1, retried: 2, dead: 1 });
    const dead = await nats.jsm.streams.getMessage(stream.dlq, { seq: 1 });
    expect(dead?.header.get(DEAD_REASON_HEADER)).toBe('gave up after 3 deliveries: handler threw: boom');
    expect(dead?.header.get('Interplay-Delivery-Count')).toBe('3');
  });

  it('holds an event while the database is unavailable, past maxDeliver, and handles it once the database answers', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'during-outage' })));
    const durable = nats.unique('toy');
    let refusals = 0;
    // With a backoff, JetStream's ack wait of a first delivery is its first step: here 1 s, held for longer.
    const { consumer } = await aConsumer(stream, { durable, maxDeliver: 2, backoffMs: [1_000], ackWaitMs: 1_000 }, async (env) => {
      // What pg throws while PostgreSQL is stopped: more refusals than deliveries allowed, over more than an ack wait.
      if (refusals++ < 3) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      await bumpOnce(db, durable, env);
      return { type: 'ack' };
    });

    // The ack (and the count of processed events) follows the commit by a turn of the event loop (socket-turn.ts).
    await eventually(async () => (await counter(db, 'during-outage')) === 1 && consumer.stats().processed === 1, { what: 'the event handled once the database is back', timeoutMs: 10_000 });
    expect(consumer.stats()).toMatchObject({ processed: 1, dead: 0 });
    expect(refusals).toBe(4);
  });
});

describe('event consumer and its dependencies', () => {
  it('holds an event while a peer service is unavailable, past maxDeliver, and handles it soon after the peer is back', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'peer-down' })));
    const durable = nats.unique('toy');
    const tries: number[] = [];
    const { consumer } = await aConsumer(stream, { durable, maxDeliver: 2, backoffMs: [1_000], ackWaitMs: 1_000 }, async (env, deliveryCount) => {
      tries.push(deliveryCount);
      // What the service client throws while the peer refuses connections, then 503 while it starts.
      if (tries.length <= 2) throw new UpstreamUnavailable('auth', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
      if (tries.length <= 4) throw new UpstreamUnavailable('auth', { status: 503 });
      await bumpOnce(db, durable, env);
      return { type: 'ack' };
    }, nats.js, isPeerUnavailable);

    await eventually(async () => (await counter(db, 'peer-down')) === 1 && consumer.stats().processed === 1, { what: 'the event handled once the peer is back', timeoutMs: 10_000 });
    // Held, not naked: one delivery for every try, none spent, nothing dead-lettered.
    expect(tries).toEqual([1, 1, 1, 1, 1]);
    expect(consumer.stats()).toMatchObject({ processed: 1, retried: 0, dead: 0 });
  });

  it('does not hold an event for a peer that failed on it (500): it is retried and dead-lettered after maxDeliver', async () => {
    const stream = await aStream();
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'bug' })));
    const durable = nats.unique('toy');
    const { consumer } = await aConsumer(stream, { durable, maxDeliver: 2, backoffMs: [50], ackWaitMs: 1_000 }, async () => {
      throw new UpstreamUnavailable('order', { status: 500 });
    }, nats.js, isPeerUnavailable);

    await eventually(() => consumer.stats().dead === 1, { what: 'the event to be dead-lettered' });
    expect(consumer.stats()).toMatchObject({ processed: 0, retried: 1, dead: 1 });
  });

  it('a handler slower than the ack wait keeps its event, and the event queued behind it keeps its own: neither is delivered again meanwhile', async () => {
    const stream = await aStream();
    const db = await aToyDb();
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'slow' })));
    await nats.js.publish(stream.subject, JSON.stringify(newEnvelope('toy.bumped', { key: 'queued' })));
    const durable = nats.unique('toy');
    const deliveries: string[] = [];
    // Ack wait 1 s; the handler takes 2.5 s, as one waiting on a peer that answers late.
    const { consumer } = await aConsumer(stream, { durable, maxDeliver: 5, backoffMs: [1_000, 1_000], ackWaitMs: 1_000 }, async (env, deliveryCount) => {
      deliveries.push(`${env.data.key}#${deliveryCount}`);
      if (env.data.key === 'slow') await new Promise((resolve) => setTimeout(resolve, 2_500));
      await bumpOnce(db, durable, env);
      return { type: 'ack' };
    });

    // One handler at a time (the default): 'queued' waits 2.5 s, over two ack waits, behind 'slow'.
    await eventually(() => consumer.stats().processed === 2, { what: 'both events handled', timeoutMs: 10_000 });
    // Past another ack wait after the acks: nothing came again.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(deliveries).toEqual(['slow#1', 'queued#1']);
    expect(consumer.stats()).toMatchObject({ processed: 2, retried: 0 });
    expect(await counter(db, 'slow')).toBe(1);
  });
});

describe('streams and consumers', () => {
  it('ensureStream and ensureConsumer create once and then update what changed', async () => {
    const name = nats.unique('T');
    const prefix = name.toLowerCase();
    await ensureStream(nats.jsm, { name, subjects: [`${prefix}.a.>`], duplicateWindowMs: 60_000 });
    const updated = await ensureStream(nats.jsm, { name, subjects: [`${prefix}.a.>`, `${prefix}.b.>`], duplicateWindowMs: 30_000 });
    expect(updated.config.subjects).toEqual([`${prefix}.a.>`, `${prefix}.b.>`]);
    expect(updated.config.duplicate_window).toBe(30_000 * 1_000_000);

    const def = { durable: 'toy', filterSubject: `${prefix}.a.>`, maxAckPending: 10, ackWaitMs: 1_000, maxDeliver: 3 };
    await ensureConsumer(nats.jsm, name, def);
    const again = await ensureConsumer(nats.jsm, name, { ...def, maxAckPending: 20, maxDeliver: 4, backoffMs: [100, 200] });
    expect(again.config).toMatchObject({ max_ack_pending: 20, max_deliver: 4, backoff: [100_000_000, 200_000_000] });
    await expect(ensureConsumer(nats.jsm, name, { ...def, maxDeliver: 2, backoffMs: [100, 200] })).rejects.toThrow(
      /must be >= 1 and exceed backoffMs.length/,
    );
  });
});
