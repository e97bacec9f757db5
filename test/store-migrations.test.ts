import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventTables } from '../src/platform/events/index.ts';
import { databaseName, dropDatabase, openStore, type StoreConfig, type StoreKind, type StoreSelection } from '../src/platform/store/index.ts';
import { composeService } from '../src/runtime/service.ts';
import { newServiceSecret } from '../src/runtime/system.ts';
import { billingMigrations } from '../src/services/billing/index.ts';
import { STORES, testPostgresUrl, uniqueDatabaseName } from './support/stores.ts';

/** A system's store selection on a fresh database (PostgreSQL: a unique prefix), and how to remove it. */
async function aSelection(kind: StoreKind): Promise<{ selection: StoreSelection; billing: (dir: string) => StoreConfig; drop(): Promise<void> }> {
  if (kind === 'sqlite') return { selection: { kind }, billing: (dir) => ({ kind, file: join(dir, 'billing.sqlite') }), drop: async () => {} };
  const url = await testPostgresUrl();
  const prefix = uniqueDatabaseName();
  const database = databaseName(prefix, 'billing');
  return { selection: { kind, url, prefix }, billing: () => ({ kind, url, database }), drop: () => dropDatabase(url, database) };
}

describe.each(STORES)('schema changes raced by replicas starting together · %s', (kind) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('two billing services composed at once on a fresh database both start, and each migration is applied once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-race-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = await aSelection(kind);
    cleanups.push(() => store.drop());
    const config = { name: 'billing' as const, style: 'rest' as const, dataDir: dir, peers: {}, serviceSecret: newServiceSecret(), store: store.selection };

    const replicas = await Promise.all([composeService(config), composeService(config), composeService(config)]);
    cleanups.push(() => Promise.all(replicas.map((r) => r.stop())));

    const check = await openStore<{ kysely_migration: { name: string } }>(store.billing(dir));
    cleanups.push(() => check.close());
    const applied = await check.db.selectFrom('kysely_migration').select('name').execute();
    expect(applied.map((m) => m.name)).toEqual(Object.keys(billingMigrations));
  });
});

/**
 * PostgreSQL only: on SQLite two connections in one thread cannot race (one waiting for the write lock
 * blocks the thread the other needs to finish), and BEGIN IMMEDIATE already serialises processes.
 */
describe('event tables raced on one PostgreSQL database', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  const kind = 'postgres';
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('the event tables created by two replicas at once are there once, and an outbox row goes in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'interplay-race-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const store = await aSelection(kind);
    cleanups.push(() => store.drop());
    const [a, b] = await Promise.all([openStore(store.billing(dir)), openStore(store.billing(dir))]);
    cleanups.push(() => a!.close(), () => b!.close());

    await Promise.all([createEventTables(a!.db), createEventTables(b!.db), createEventTables(a!.db)]);

    const db = a!.db as Kysely<any>;
    await db.insertInto('outbox').values({ id: 'e1', subject: 's', payload: '{}', headers: '{}', created_at: 1 }).execute();
    const rows = await db.selectFrom('outbox').select(['id', 'claimed_by', 'claimed_until']).execute();
    expect(rows).toEqual([{ id: 'e1', claimed_by: null, claimed_until: null }]);
  });
});
