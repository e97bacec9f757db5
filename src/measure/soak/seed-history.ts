import Database from 'better-sqlite3';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { BUS_NAMESPACE_FILE } from '../../runtime/system.ts';
import { affordableAmount } from '../../scenarios/load.ts';
import { SERVICES, type ServiceName, type Style } from '../../model/style.ts';
import { createRandom } from '../../model/random.ts';
import { historyRows, STEPS_MS, type HistoryRows, type SeededRow } from './seed-rows.ts';

export interface SeedHistoryOptions {
  /** a stopped system's data directory, as `interplay up --data DIR` leaves it (one directory per service) */
  readonly dataDir: string;
  /** the style the system ran, and will run again, on this directory */
  readonly style: Style;
  /** paid orders to add, spread evenly over every user in auth's database */
  readonly orders: number;
  /** ms between two orders' placing; default 10 (100 orders a second); at least STEPS_MS */
  readonly spacingMs?: number;
  /** seeds the amounts (1.00 to 100.00, as the bench's affordable orders); default 1 */
  readonly seed?: number;
  /** orders per transaction; default 50000 */
  readonly batchSize?: number;
  /** after each committed batch, with the orders written so far */
  readonly onProgress?: (written: number) => void;
}

export interface SeededHistory {
  readonly orders: number;
  readonly users: number;
  /** ms the seeding took */
  readonly ms: number;
  /** ms epoch of the first and the last seeded order */
  readonly from: number;
  readonly to: number;
  /** bytes of each service's SQLite file once seeded and checkpointed */
  readonly bytes: Readonly<Record<ServiceName, number>>;
}

interface User {
  readonly id: string;
  readonly name: string;
}

/**
 * Writes a history of paid orders into a stopped system's databases, row for row what the same orders
 * placed through the API would have left (seed-rows.ts), so that a benchmark can load a system with a
 * million stored orders without spending half an hour placing them.
 *
 * The history lies before everything the databases hold: each user first deposits exactly what their
 * orders cost, so money is conserved and every payment's balance_after runs down to 0, where the
 * account's real first deposit (balance_after = its amount) takes over. The users and accounts are
 * dated back to before it.
 */
export function seedHistory(opts: SeedHistoryOptions): SeededHistory {
  const started = performance.now();
  const spacingMs = opts.spacingMs ?? 10;
  const batchSize = opts.batchSize ?? 50_000;
  if (!Number.isSafeInteger(opts.orders) || opts.orders < 1) throw new RangeError(`orders must be a positive integer, got ${opts.orders}`);
  if (!(spacingMs >= STEPS_MS)) throw new RangeError(`spacingMs must be at least ${STEPS_MS}, the ms one order's settlement spans`);
  const dbs = openDatabases(opts.dataDir);
  try {
    const users = dbs.auth.prepare('SELECT id, name FROM users ORDER BY created_at, id').all() as User[];
    if (users.length === 0) throw new Error(`no users in ${opts.dataDir}: register some before seeding their history`);
    const namespace = opts.style === 'rest' ? undefined : busNamespace(opts.dataDir);

    const rng = createRandom(opts.seed ?? 1);
    const amounts = new Uint32Array(opts.orders);
    const spent = users.map(() => 0);
    for (let i = 0; i < opts.orders; i++) {
      const amount = affordableAmount(rng);
      amounts[i] = amount;
      spent[i % users.length] = spent[i % users.length]! + amount;
    }

    const end = firstMovement(dbs.billing) - 1_000;
    const from = end - opts.orders * spacingMs;
    const depositedAt = from - 1_000;
    backdateUsers(dbs, users, depositedAt - 1_000);
    const deposit = dbs.billing.prepare(
      'INSERT INTO deposits (id, user_id, amount, idempotency_key, balance_after, created_at) VALUES (?, ?, ?, NULL, ?, ?)',
    );
    dbs.billing.transaction(() => {
      users.forEach((user, u) => {
        // A user with no order (fewer orders than users) deposits nothing: a deposit is never 0.
        if (spent[u]! > 0) deposit.run(uuidv7({ msecs: depositedAt }), user.id, spent[u], spent[u], depositedAt);
      });
    })();

    const balance = [...spent];
    const writers = { order: rowWriter(dbs.order), billing: rowWriter(dbs.billing), notification: rowWriter(dbs.notification) };
    const rowOptions = { style: opts.style, namespace, relayOf: (service: string) => `${service}-${process.pid}` };
    for (let first = 0; first < opts.orders; first += batchSize) {
      const batch: HistoryRows[] = [];
      for (let i = first; i < Math.min(first + batchSize, opts.orders); i++) {
        const u = i % users.length;
        const user = users[u]!;
        balance[u] = balance[u]! - amounts[i]!;
        batch.push(historyRows({ userId: user.id, userName: user.name, amount: amounts[i]!, at: from + i * spacingMs, balanceAfter: balance[u]! }, rowOptions));
      }
      for (const service of ['order', 'billing', 'notification'] as const) writers[service](batch.flatMap((rows) => rows[service]));
      opts.onProgress?.(Math.min(first + batchSize, opts.orders));
    }
    const bytes = checkpoint(dbs, opts.dataDir);
    return { orders: opts.orders, users: users.length, ms: performance.now() - started, from, to: from + (opts.orders - 1) * spacingMs, bytes };
  } finally {
    for (const db of Object.values(dbs)) db.close();
  }
}

const fileOf = (dataDir: string, service: ServiceName) => join(dataDir, service, `${service}.sqlite`);

function openDatabases(dataDir: string): Record<ServiceName, Database.Database> {
  const dbs = {} as Record<ServiceName, Database.Database>;
  for (const service of SERVICES) {
    const file = fileOf(dataDir, service);
    if (!existsSync(file)) throw new Error(`${file} is missing: seed the data directory of a system that ran (interplay up --data DIR)`);
    const db = new Database(file);
    // The system must be stopped; a process still closing its file may hold the lock a moment longer.
    db.pragma('busy_timeout = 5000');
    // 128 MiB of pages: the indexes of a million orders stay in memory while they grow.
    db.pragma('cache_size = -131072');
    // A seeding that crashes half-way leaves a directory to throw away however it syncs, so it need not wait for the disk.
    db.pragma('synchronous = OFF');
    dbs[service] = db;
  }
  return dbs;
}

function busNamespace(dataDir: string): string {
  const file = join(dataDir, BUS_NAMESPACE_FILE);
  if (!existsSync(file)) throw new Error(`${file} is missing: start the event style once on ${dataDir} before seeding it`);
  return readFileSync(file, 'utf8').trim();
}

/** ms epoch of the first money movement the system recorded, or now when there was none */
function firstMovement(billing: Database.Database): number {
  const row = billing.prepare('SELECT min(at) AS at FROM (SELECT min(created_at) AS at FROM deposits UNION ALL SELECT min(created_at) FROM payments)').get() as {
    at: number | null;
  };
  return row.at ?? Date.now();
}

/** The users registered, and their accounts opened, before their history began. */
function backdateUsers(dbs: Record<ServiceName, Database.Database>, users: readonly User[], at: number): void {
  const user = dbs.auth.prepare('UPDATE users SET created_at = min(created_at, ?) WHERE id = ?');
  const account = dbs.billing.prepare('UPDATE accounts SET created_at = min(created_at, ?) WHERE user_id = ?');
  dbs.auth.transaction(() => users.forEach((u) => user.run(at, u.id)))();
  dbs.billing.transaction(() => {
    for (const u of users) {
      if (account.run(at, u.id).changes !== 1) throw new Error(`user ${u.id} has no billing account: the system had not settled when it stopped`);
    }
  })();
}

/** Inserts rows into one database in one transaction, with one prepared statement per table. */
function rowWriter(db: Database.Database): (rows: readonly SeededRow[]) => void {
  const statements = new Map<string, Database.Statement>();
  const statementFor = ({ table, row }: SeededRow): Database.Statement => {
    let stmt = statements.get(table);
    if (!stmt) {
      const columns = Object.keys(row);
      stmt = db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`);
      statements.set(table, stmt);
    }
    return stmt;
  };
  return db.transaction((rows: readonly SeededRow[]) => {
    for (const seeded of rows) statementFor(seeded).run(seeded.row);
  });
}

/** Folds the write-ahead log into each file, as a settled system's checkpoints would have, and measures the files. */
function checkpoint(dbs: Record<ServiceName, Database.Database>, dataDir: string): Record<ServiceName, number> {
  const bytes = {} as Record<ServiceName, number>;
  for (const service of SERVICES) {
    dbs[service].pragma('wal_checkpoint(TRUNCATE)');
    bytes[service] = statSync(fileOf(dataDir, service)).size;
  }
  return bytes;
}
