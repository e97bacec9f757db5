import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope } from './envelope.ts';
import { prepared } from '../store/prepared.ts';
import { lockSchema } from '../store/dialect.ts';

/** How a row is appended already claimed by a relay (appendToOutbox's `claim`). */
export interface OutboxRowClaim {
  readonly relayId: string;
  /** ms since epoch */
  readonly until: number;
}

/** One event waiting for (or done with) the relay. Written in the same transaction as the state change. */
export interface OutboxTable {
  /** the envelope id (UUIDv7): orders rows by creation and doubles as Nats-Msg-Id */
  id: string;
  subject: string;
  /** the JSON envelope, exactly the bytes that will be published */
  payload: string;
  /** JSON object of NATS headers, e.g. {"traceparent": "00-…"} */
  headers: string;
  /** ms since epoch */
  created_at: number;
  /** ms since epoch; null until the broker acknowledged it */
  sent_at: number | null;
  /** the relay that holds the row; null until one claimed it */
  claimed_by: string | null;
  /** ms since epoch; another relay may take the row over once this has passed */
  claimed_until: number | null;
}

/** One processed event per consumer, inserted in the same transaction as the effect. */
export interface InboxTable {
  consumer: string;
  event_id: string;
  /** ms since epoch */
  processed_at: number;
}

/** Include in a service's Kysely database interface: `interface OrderDb extends EventTables { orders: … }`. */
export interface EventTables {
  outbox: OutboxTable;
  inbox: InboxTable;
}

/**
 * Idempotent; portable DDL (SQLite and PostgreSQL). Replicas starting at once on one database run
 * it together, hence one transaction that first takes the schema lock (lockSchema: an advisory lock
 * on PostgreSQL, where CREATE TABLE IF NOT EXISTS in two transactions at once fails in the second;
 * BEGIN IMMEDIATE on SQLite). Kysely's Migrator does not cover it: it runs outside the migrations.
 */
export async function createEventTables(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await lockSchema(trx);
    await createEventTablesIn(trx);
  });
}

async function createEventTablesIn(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();
  await addClaimColumns(db);
  // Partial index: the relay only ever scans unsent rows, which stay few while sent rows pile up.
  await db.schema
    .createIndex('outbox_unsent')
    .ifNotExists()
    .on('outbox')
    .column('id')
    .where(sql.ref('sent_at'), 'is', null)
    .execute();
  // The relay deletes sent rows oldest first: a range of this index, however many are kept.
  await db.schema
    .createIndex('outbox_sent')
    .ifNotExists()
    .on('outbox')
    .column('sent_at')
    .where(sql.ref('sent_at'), 'is not', null)
    .execute();
  await db.schema
    .createTable('inbox')
    .ifNotExists()
    .addColumn('consumer', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_pk', ['consumer', 'event_id'])
    .execute();
}

/** The relay's lease (relay.ts); added to outboxes made before relays claimed rows. */
async function addClaimColumns(db: Kysely<any>): Promise<void> {
  const tables = await db.introspection.getTables();
  const columns = new Set(tables.find((t) => t.name === 'outbox')?.columns.map((c) => c.name));
  if (!columns.has('claimed_by')) await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
  if (!columns.has('claimed_until')) await db.schema.alterTable('outbox').addColumn('claimed_until', 'bigint').execute();
}

// Services pass Kysely<TheirDb>; the helpers only touch the event tables, hence the narrowing cast.
function events<DB extends EventTables>(db: Kysely<DB> | Transaction<DB>): Kysely<EventTables> {
  return db as unknown as Kysely<EventTables>;
}

export interface OutboxEntry {
  readonly subject: string;
  readonly envelope: EventEnvelope;
  /** extra NATS headers; the envelope's traceparent is added as a header when present */
  readonly headers?: Readonly<Record<string, string>>;
  /** ms since epoch; default Date.now() */
  readonly now?: number;
  /** append the row already claimed by this relay (OutboxRelay.claimForNewRows), to hand it over after the commit */
  readonly claim?: OutboxRowClaim;
}

/** Call inside the service's transaction, next to the state change it announces (transactional outbox). */
export async function appendToOutbox<DB extends EventTables>(
  trx: Kysely<DB> | Transaction<DB>,
  entry: OutboxEntry,
): Promise<OutboxTable> {
  const row = outboxRow(entry);
  await insertOutboxRow(events(trx), row);
  return row;
}

/** The row an entry becomes, not yet sent: the envelope's bytes and its NATS headers, as the relay will publish them. */
export function outboxRow(entry: OutboxEntry): OutboxTable {
  const { subject, envelope } = entry;
  const headers = {
    ...(envelope.traceparent === undefined ? {} : { traceparent: envelope.traceparent }),
    ...entry.headers,
  };
  return {
    id: envelope.id,
    subject,
    payload: JSON.stringify(envelope),
    headers: JSON.stringify(headers),
    created_at: entry.now ?? Date.now(),
    sent_at: null,
    claimed_by: entry.claim?.relayId ?? null,
    claimed_until: entry.claim?.until ?? null,
  };
}

const insertOutboxRow = prepared((db: Kysely<EventTables>, p: OutboxTable) =>
  db.insertInto('outbox').values({
    id: p.id,
    subject: p.subject,
    payload: p.payload,
    headers: p.headers,
    created_at: p.created_at,
    sent_at: p.sent_at,
    claimed_by: p.claimed_by,
    claimed_until: p.claimed_until,
  }),
);

/**
 * Records that `consumer` processed `eventId`. Returns false when it already had: skip the effect and ack.
 * Call inside the transaction that applies the effect, so both commit or neither does.
 */
export async function claimInbox<DB extends EventTables>(
  trx: Kysely<DB> | Transaction<DB>,
  consumer: string,
  eventId: string,
  now: number = Date.now(),
): Promise<boolean> {
  // The primary key decides: of two replicas handling one event at once, one inserts; the other
  // waits for its commit (or its rollback) and then finds the row (or inserts it).
  const claimed = await insertInboxRow(events(trx), { consumer, event_id: eventId, processed_at: now });
  return claimed.length > 0;
}

const insertInboxRow = prepared((db: Kysely<EventTables>, p: InboxTable) =>
  db
    .insertInto('inbox')
    .values({ consumer: p.consumer, event_id: p.event_id, processed_at: p.processed_at })
    .onConflict((oc) => oc.columns(['consumer', 'event_id']).doNothing())
    .returning('event_id'),
);
