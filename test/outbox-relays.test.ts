import type { JetStreamClient } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendToOutbox,
  createEventTables,
  ensureStream,
  newEnvelope,
  OUTBOX_LEASE_MS,
  startOutboxRelay,
  type EventEnvelope,
  type EventTables,
} from '../src/platform/events/index.ts';
import { relayIdOf } from '../src/transports/events/bus.ts';
import { aDatabase, type TestDatabase } from './support/builders.ts';
import { eventually, setupNats, type TestNats } from './support/nats.ts';
import { aReplica, type Replica } from './support/workers.ts';
import { STORES } from './support/stores.ts';
import type { StoreKind } from '../src/platform/store/index.ts';

const RELAY = new URL('./support/relay-replica.ts', import.meta.url);

let nats: TestNats;
beforeAll(async () => {
  nats = await setupNats();
});
afterAll(async () => {
  await nats?.teardown();
});

async function anOutbox(kind: StoreKind): Promise<TestDatabase<EventTables>> {
  const store = await aDatabase<EventTables>({}, kind);
  await createEventTables(store.db);
  return store;
}

async function aStream(): Promise<{ name: string; subject: string }> {
  const name = nats.unique('RELAYS');
  await ensureStream(nats.jsm, { name, subjects: [`${name.toLowerCase()}.>`], duplicateWindowMs: 120_000 });
  return { name, subject: `${name.toLowerCase()}.toy.bumped` };
}

const append = (store: TestDatabase<EventTables>, subject: string, count: number) =>
  store.db.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++) await appendToOutbox(trx, { subject, envelope: newEnvelope('toy.bumped', { i }) });
  });

const unsent = async (store: TestDatabase<EventTables>) =>
  (await store.db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute()).length;

const messagesIn = async (stream: string) => (await nats.jsm.streams.info(stream)).state.messages;

describe.each(STORES)('outbox relays of several replicas · %s', (kind) => {
  it('two relays on one outbox publish every row exactly once, each in its rows order', async () => {
    const store = await anOutbox(kind);
    const stream = await aStream();
    const relays: Replica[] = await Promise.all(
      ['relay-a', 'relay-b'].map((relayId) => aReplica(RELAY, { config: store.config, natsUrl: nats.url, relayId })),
    );
    try {
      // Written while both relays poll, in small transactions, so that they reach for the same rows.
      for (let batch = 0; batch < 20; batch++) await append(store, stream.subject, 10);
      await eventually(async () => (await unsent(store)) === 0, { what: 'every row to be marked sent', timeoutMs: 20_000 });

      const stats = await Promise.all(relays.map((r) => r.call<{ published: number; duplicates: number }>('stop')));
      expect(stats.reduce((n, s) => n + s.published, 0)).toBe(200);
      expect(stats.map((s) => s.duplicates)).toEqual([0, 0]);
      expect(await messagesIn(stream.name)).toBe(200);

      const claimedBy = new Map(
        (await store.db.selectFrom('outbox').select(['id', 'claimed_by']).execute()).map((r) => [r.id, r.claimed_by]),
      );
      const streamed: { id: string; by: string | null | undefined }[] = [];
      for (let seq = 1; seq <= 200; seq++) {
        const id = (await nats.jsm.streams.getMessage(stream.name, { seq }))?.json<EventEnvelope>().id ?? '';
        streamed.push({ id, by: claimedBy.get(id) });
      }
      for (const relayId of ['relay-a', 'relay-b']) {
        const ids = streamed.filter((m) => m.by === relayId).map((m) => m.id);
        expect(ids).toEqual([...ids].sort());
      }
    } finally {
      for (const r of relays) await r.close();
      await store.dispose();
    }
  });

  it('rows claimed by a relay that froze mid-pass stay its own until the lease runs out, then another publishes them', async () => {
    const store = await anOutbox(kind);
    const stream = await aStream();
    await append(store, stream.subject, 5);
    // Its publishes never return: it claimed the rows and will never mark them, like a dead process.
    const frozenJs = { publish: () => new Promise<never>(() => {}) } as unknown as JetStreamClient;
    startOutboxRelay({ db: store.db, js: frozenJs, relayId: 'frozen', pollMs: 60_000 });
    const claimedByFrozen = async () =>
      (await store.db.selectFrom('outbox').select('id').where('claimed_by', '=', 'frozen').execute()).length;
    await eventually(async () => (await claimedByFrozen()) === 5, { what: 'the frozen relay to claim the rows' });
    try {
      // Within the lease: a live relay's whole pass leaves them alone.
      const early = startOutboxRelay({ db: store.db, js: nats.js, relayId: 'early', pollMs: 60_000 });
      await early.stop();
      expect(early.stats().published).toBe(0);
      expect(await claimedByFrozen()).toBe(5);

      // Past the lease (a clock run ahead by it), the rows are another relay's to publish.
      const late = startOutboxRelay({ db: store.db, js: nats.js, relayId: 'late', pollMs: 60_000, now: () => Date.now() + OUTBOX_LEASE_MS + 1 });
      await eventually(async () => (await unsent(store)) === 0, { what: 'the rows to be taken over and published' });
      await late.stop();
      expect(late.stats()).toMatchObject({ published: 5, duplicates: 0 });
      expect(await messagesIn(stream.name)).toBe(5);
    } finally {
      await store.dispose();
    }
  });

  it('a replica started again after a crash publishes at once the rows its predecessor had claimed, without waiting out their lease', async () => {
    const store = await anOutbox(kind);
    const stream = await aStream();
    await append(store, stream.subject, 5);
    // The crashed process: it claimed the rows under its replica's name and never published them.
    const frozenJs = { publish: () => new Promise<never>(() => {}) } as unknown as JetStreamClient;
    const name = relayIdOf('order', 2);
    startOutboxRelay({ db: store.db, js: frozenJs, relayId: name, pollMs: 60_000 });
    await eventually(async () => (await store.db.selectFrom('outbox').select('id').where('claimed_by', '=', name).execute()).length === 5, {
      what: 'the crashed relay to claim the rows',
    });
    try {
      // Its successor: same replica, same name, the clock well within the lease.
      const again = startOutboxRelay({ db: store.db, js: nats.js, relayId: relayIdOf('order', 2), pollMs: 60_000 });
      await eventually(async () => (await unsent(store)) === 0, { what: 'the successor to publish the rows' });
      await again.stop();
      expect(again.stats()).toMatchObject({ published: 5, duplicates: 0 });
      expect(await messagesIn(stream.name)).toBe(5);
    } finally {
      await store.dispose();
    }
  });
});

describe('relayIdOf', () => {
  it('names a replica the same across its restarts, and two replicas apart', () => {
    expect(relayIdOf('order', 1)).toBe(relayIdOf('order', 1));
    expect(relayIdOf('order', 1)).not.toBe(relayIdOf('order', 2));
    expect(relayIdOf('order', 1)).not.toBe(relayIdOf('billing', 1));
    expect(relayIdOf('order', undefined)).toBe(`order-${process.pid}`);
  });
});
