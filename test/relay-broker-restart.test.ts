import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { appendToOutbox, createEventTables, ensureConsumer, ensureStream, newEnvelope, startOutboxRelay, streamsFor } from '../src/platform/events/index.ts';
import type { EventTables } from '../src/platform/events/index.ts';
import { NATS_CLIENT_OPTIONS, NATS_RECONNECT_OPTIONS } from '../src/platform/events/connection.ts';
import { startPrivateNatsServer } from '../src/runtime/nats-server.ts';
import { followBrokerConnection } from '../src/transports/events/bus.ts';
import { eventually } from './support/nats.ts';

/**
 * nats-server 2.9 acknowledges publishes while it shuts down (SIGTERM) after its consumers stopped, and
 * an interest-retention stream drops them: events the relay marked sent that no consumer ever gets. The
 * relay publishes again what it sent just before the connection was lost (REPUBLISH_BEFORE_LOSS_MS).
 * Two writers hand one event over every few ms each, so that publishes are acknowledged during each shutdown.
 */
describe('outbox relay and a broker restart', () => {
  it('every event committed while nats-server restarts (SIGTERM) is consumed: none acknowledged and dropped', { timeout: 120_000 }, async () => {
    const server = await startPrivateNatsServer();
    const dir = mkdtempSync(join(tmpdir(), 'interplay-relay-restart-'));
    const db = new Kysely<EventTables>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'outbox.db')) }) });
    const nc = await connect({ ...NATS_CLIENT_OPTIONS, servers: server.url, ...NATS_RECONNECT_OPTIONS });
    let consuming = true;
    let consumers: Promise<void>[] = [];
    try {
      await createEventTables(db);
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const streams = streamsFor('r');
      for (const def of Object.values(streams)) await ensureStream(jsm, def);
      const limits = { maxAckPending: 1024, ackWaitMs: 2_000, backoffMs: [2_000, 4_000], maxDeliver: 6 };
      for (const [durable, subject] of [['a', 'r.orders.created'], ['b', 'r.orders.changed']] as const) {
        await ensureConsumer(jsm, streams.ORDERS.name, { durable, filterSubject: subject, ...limits });
      }
      const consumed = new Set<string>();
      consumers = ['a', 'b'].map(async (durable) => {
        while (consuming) {
          try {
            const messages = await (await js.consumers.get(streams.ORDERS.name, durable)).consume({ max_messages: 64, expires: 2_000 });
            for await (const m of messages) {
              consumed.add(m.json<{ id: string }>().id);
              m.ack();
              if (!consuming) break;
            }
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
      });
      const relay = startOutboxRelay({ db, js, pollMs: 500, relayId: 'owner', markDelayMs: 0 });
      void followBrokerConnection(nc, relay);
      const committed: string[] = [];
      let producing = true;
      const writers = ['r.orders.created', 'r.orders.changed'].map(async (subject) => {
        while (producing) {
          const envelope = newEnvelope('toy', {});
          const row = await db.transaction().execute((trx) => appendToOutbox(trx, { subject, envelope, claim: relay.claimForNewRows() }));
          committed.push(envelope.id);
          relay.handOver([row]);
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
      for (let restart = 0; restart < 3; restart++) {
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        await server.halt('SIGTERM');
        await new Promise((resolve) => setTimeout(resolve, 500));
        await server.resume();
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      producing = false;
      await Promise.all(writers);
      await eventually(() => committed.every((id) => consumed.has(id)), { what: 'every committed event to be consumed', timeoutMs: 20_000 }).catch((err: unknown) => {
        throw new Error(`${committed.filter((id) => !consumed.has(id)).length} of ${committed.length} committed events were never consumed`, { cause: err });
      });
      expect(consumed.size).toBe(committed.length);
      await relay.stop();
    } finally {
      consuming = false;
      // Closing the connection ends the consumers' iterators.
      await nc.close();
      await Promise.all(consumers);
      await db.destroy();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a publish in flight when the broker dies does not hold the relay: its row goes out soon after the broker is back', { timeout: 60_000 }, async () => {
    const server = await startPrivateNatsServer();
    const dir = mkdtempSync(join(tmpdir(), 'interplay-relay-restart-'));
    const db = new Kysely<EventTables>({ dialect: new SqliteDialect({ database: new Database(join(dir, 'outbox.db')) }) });
    const nc = await connect({ ...NATS_CLIENT_OPTIONS, servers: server.url, ...NATS_RECONNECT_OPTIONS });
    // A publish timeout far longer than the test waits: only giving the publish up on the lost connection gets the row out.
    const relay = startOutboxRelay({ db, js: jetstream(nc), pollMs: 500, relayId: 'owner', publishTimeoutMs: 30_000 });
    try {
      await createEventTables(db);
      const jsm = await jetstreamManager(nc);
      await ensureStream(jsm, { name: 'R', subjects: ['r.>'], duplicateWindowMs: 120_000 });
      void followBrokerConnection(nc, relay);
      // The broker frozen: the publish goes out and its acknowledgement never comes. Then it crashes.
      process.kill(server.pid, 'SIGSTOP');
      const envelope = newEnvelope('toy', {});
      const row = await db.transaction().execute((trx) => appendToOutbox(trx, { subject: 'r.toy', envelope, claim: relay.claimForNewRows() }));
      relay.handOver([row]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await server.halt('SIGKILL');
      await server.resume();
      await eventually(async () => (await db.selectFrom('outbox').select('id').where('sent_at', 'is', null).execute()).length === 0, {
        what: 'the row to be marked sent, well before its publish would time out',
        timeoutMs: 15_000,
      });
      expect((await jsm.streams.info('R')).state.messages).toBe(1);
    } finally {
      await relay.stop();
      await nc.close();
      await db.destroy();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
