import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import { migrate, openStore, type StoreConfig, type StoreKind } from '../../src/platform/store/index.ts';
import { aStoreConfig } from './stores.ts';
import type { AuthDB, AuthDeps, AuthEvent, PasswordHasher, Registration, TokenIssuer } from '../../src/services/auth/index.ts';
import type { BillingDB, BillingDeps, BillingEvent, PaymentRequest } from '../../src/services/billing/index.ts';
import type { Clock, EventSink, Ids, UnitOfWork } from '../../src/services/kernel/index.ts';
import type {
  Contact,
  ContactDirectory,
  DeliveryChannel,
  Notification,
  NotificationDB,
  NotificationDeps,
  OrderOutcome,
} from '../../src/services/notification/index.ts';
import type { OrderDB, OrderDeps, OrderEvent, OrderRequest } from '../../src/services/order/index.ts';

/** Test data builders and fakes for time, ids, events and delivery. Everything else is real. */

let serial = 0;
/** a number no other builder call in this process returned; keeps emails and ids apart */
export const nextSerial = (): number => ++serial;

// ---- time and ids -------------------------------------------------------------------------

export interface FixedClock extends Clock {
  /** ms; moves the clock forward */
  advance(ms: number): void;
}

/** A clock that stands still until told to move. Default start: 2025-01-15T12:00:00Z. */
export function fixedClock(startMs = Date.UTC(2025, 0, 15, 12)): FixedClock {
  let now = startMs;
  return {
    now: () => now,
    advance(ms) {
      now += ms;
    },
  };
}

/** Ids that sort in the order they were made, like UUIDv7: `id-000001`, `id-000002`, … */
export function sequentialIds(prefix = 'id'): Ids {
  let n = 0;
  return { next: () => `${prefix}-${String(++n).padStart(6, '0')}` };
}

// ---- databases ----------------------------------------------------------------------------

export interface TestDatabase<DB> {
  readonly kind: StoreKind;
  readonly db: Kysely<DB>;
  /** where it is, to open another connection to it as another process would (openStore) */
  readonly config: StoreConfig;
  /** closes the database and removes it (its directory, or the PostgreSQL database) */
  dispose(): Promise<void>;
}

/**
 * A service database as the runtime opens it (openStore + the service's migrations): a SQLite file
 * in a fresh temporary directory, or a uniquely named PostgreSQL database (test/support/stores.ts).
 */
export async function aDatabase<DB>(migrations: Record<string, Migration>, kind: StoreKind = 'sqlite'): Promise<TestDatabase<DB>> {
  const store = await aStoreConfig(kind);
  const { db } = await openStore<DB>(store.config);
  await migrate(db, migrations);
  return {
    kind,
    db,
    config: store.config,
    async dispose() {
      await db.destroy();
      await store.dispose();
    },
  };
}

// ---- ports --------------------------------------------------------------------------------

export interface RecordedEvent<E> {
  readonly event: E;
  /** whether the sink was handed a transaction, as the transactional outbox requires */
  readonly inTransaction: boolean;
}

export type RecordingSink<DB, E> = EventSink<DB, E> & { readonly recorded: RecordedEvent<E>[] };

/** An EventSink that keeps what it was given. */
export function recordingSink<DB, E>(): RecordingSink<DB, E> {
  const recorded: RecordedEvent<E>[] = [];
  const sink = async (tx: UnitOfWork<DB>, event: E): Promise<void> => {
    recorded.push({ event, inTransaction: tx.trx.isTransaction });
  };
  return Object.assign(sink, { recorded });
}

/** An EventSink whose write fails, as an outbox insert would on a full disk. */
export const failingSink = async (): Promise<never> => {
  throw new Error('outbox write failed');
};

export interface Delivered {
  readonly notification: Notification;
  readonly contact: Contact;
}

export type RecordingDelivery = DeliveryChannel & { readonly delivered: Delivered[] };

/** A DeliveryChannel that keeps every message it was asked to deliver. */
export function recordingDelivery(): RecordingDelivery {
  const delivered: Delivered[] = [];
  return { delivered, deliver: (notification, contact) => void delivered.push({ notification, contact }) };
}

/** A contact directory backed by a plain map. */
export function contactsOf(...contacts: Contact[]): ContactDirectory & { add(contact: Contact): void } {
  const byId = new Map(contacts.map((c) => [c.userId, c]));
  return {
    add: (contact) => void byId.set(contact.userId, contact),
    find: async (userId) => byId.get(userId),
  };
}

/**
 * A PasswordHasher that costs microseconds instead of argon2id's tens of milliseconds, for tests
 * where password hashing is not what is under test. Salted, so the stored text is never the password.
 */
export const cheapHasher: PasswordHasher = {
  async hash(password) {
    const salt = randomBytes(8).toString('hex');
    return `test-sha256$${salt}$${createHash('sha256').update(salt + password).digest('hex')}`;
  },
  async verify(hashed, password) {
    const [scheme, salt = '', digest = ''] = hashed.split('$');
    if (scheme !== 'test-sha256') return false;
    const actual = createHash('sha256').update(salt + password).digest();
    const expected = Buffer.from(digest, 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  },
};

/** A token issuer for use cases that never reach login. */
export const unusedTokens: TokenIssuer = {
  issueUserToken: () => Promise.reject(new Error('this test issues no tokens')),
};

// ---- use-case dependencies ----------------------------------------------------------------

export function authDeps(db: Kysely<AuthDB>, overrides: Partial<AuthDeps> = {}): AuthDeps {
  return {
    db,
    clock: fixedClock(),
    ids: sequentialIds('user'),
    hasher: cheapHasher,
    tokens: unusedTokens,
    events: recordingSink<AuthDB, AuthEvent>(),
    ...overrides,
  };
}

export function billingDeps(db: Kysely<BillingDB>, overrides: Partial<BillingDeps> = {}): BillingDeps {
  return { db, clock: fixedClock(), ids: sequentialIds('deposit'), events: recordingSink<BillingDB, BillingEvent>(), ...overrides };
}

export function orderDeps(db: Kysely<OrderDB>, overrides: Partial<OrderDeps> = {}): OrderDeps {
  return { db, clock: fixedClock(), ids: sequentialIds('order'), events: recordingSink<OrderDB, OrderEvent>(), ...overrides };
}

export function notificationDeps(db: Kysely<NotificationDB>, overrides: Partial<NotificationDeps> = {}): NotificationDeps {
  return {
    db,
    clock: fixedClock(),
    ids: sequentialIds('note'),
    contacts: contactsOf(),
    delivery: recordingDelivery(),
    ...overrides,
  };
}

// ---- domain data --------------------------------------------------------------------------

export function aRegistration(overrides: Partial<Registration> = {}): Registration {
  const n = nextSerial();
  return { email: `user-${n}@example.com`, password: `correct-horse-${n}`, name: `User ${n}`, ...overrides };
}

export function aPaymentRequest(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  return { orderId: `order-${nextSerial()}`, userId: 'user-1', amount: 30_000, ...overrides };
}

export function anOrderRequest(overrides: Partial<OrderRequest> = {}): OrderRequest {
  return { userId: 'user-1', amount: 60_000, ...overrides };
}

export function aContact(overrides: Partial<Contact> = {}): Contact {
  const n = nextSerial();
  return { userId: `user-${n}`, email: `user-${n}@example.com`, name: `User ${n}`, ...overrides };
}

export function anOutcome(overrides: Partial<OrderOutcome> = {}): OrderOutcome {
  return { orderId: `order-${nextSerial()}`, userId: 'user-1', amount: 60_000, status: 'paid', ...overrides };
}

/** Resolves once `count` callers are waiting, so that they all pass a check before any goes on. */
export function barrier(count: number): () => Promise<void> {
  let waiting = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return () => {
    if (++waiting >= count) open();
    return opened;
  };
}
