import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openSqlite } from '../../platform/store/index.ts';
import { ownCpuMs, saturate, type Saturation } from './sampler.ts';

export interface SqlitePrimitiveOptions {
  /** ms measured */
  readonly durationMs: number;
  /** where the database file goes; default a temporary directory, removed afterwards */
  readonly dir?: string;
}

interface CalibrationDB {
  accounts: { user_id: string; balance: number; updated_at: number };
  payments: { order_id: string; user_id: string; amount: number; status: string; balance_after: number; created_at: number };
}

/** enough that every payment of the run is taken: the conditional update always matches */
const OPENING_BALANCE = 1_000_000_000_000;

/**
 * One payment-like commit in WAL mode through the services' own opening (openSqlite: WAL,
 * synchronous NORMAL, cached statements) and Kysely: a conditional UPDATE of a balance and an
 * INSERT of the payment, in one transaction. One loop, because each database has one connection.
 */
export async function measureSqliteCommit(opts: SqlitePrimitiveOptions): Promise<Saturation> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'interplay-calibrate-'));
  const db = openSqlite<CalibrationDB>(join(dir, 'calibrate.db'));
  try {
    await sql`CREATE TABLE accounts (user_id TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0), updated_at INTEGER NOT NULL)`.execute(db);
    await sql`CREATE TABLE payments (order_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, amount INTEGER NOT NULL, status TEXT NOT NULL, balance_after INTEGER NOT NULL, created_at INTEGER NOT NULL)`.execute(db);
    await db.insertInto('accounts').values({ user_id: 'u1', balance: OPENING_BALANCE, updated_at: Date.now() }).execute();
    let n = 0;
    return await saturate({
      durationMs: opts.durationMs,
      concurrency: 1,
      cpuMs: ownCpuMs,
      op: () =>
        db.transaction().execute(async (trx) => {
          const now = Date.now();
          const amount = 300;
          const charged = await trx
            .updateTable('accounts')
            .set((eb) => ({ balance: eb('balance', '-', amount), updated_at: now }))
            .where('user_id', '=', 'u1')
            .where('balance', '>=', amount)
            .returning('balance')
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('payments')
            .values({ order_id: `o${++n}`, user_id: 'u1', amount, status: 'paid', balance_after: charged.balance, created_at: now })
            .execute();
        }),
    });
  } finally {
    await db.destroy();
    if (!opts.dir) rmSync(dir, { recursive: true, force: true });
  }
}
