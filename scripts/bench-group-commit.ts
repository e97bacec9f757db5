/**
 * What group commit saves on SQLite: the services' payment-like unit of work (a conditional UPDATE of a
 * balance and an INSERT, through withTx) in closed loops, 1, 4 and 16 at once, with each unit committing
 * alone and with group commit, alternately in one process. Prints µs of CPU per unit and units per second
 * (medians of 1 s samples, as `interplay calibrate` measures its primitives).
 * npx tsx scripts/bench-group-commit.ts [seconds per run, default 5] [rounds, default 2]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { ownCpuMs, saturate, type Saturation } from '../src/measure/calibrate/sampler.ts';
import { openSqlite } from '../src/platform/store/index.ts';
import { withTx } from '../src/services/kernel/index.ts';

interface Db {
  accounts: { user_id: string; balance: number; updated_at: number };
  payments: { order_id: string; user_id: string; amount: number; balance_after: number; created_at: number };
}

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 2);

async function measure(groupCommit: boolean, concurrency: number): Promise<Saturation> {
  const dir = mkdtempSync(join(tmpdir(), 'interplay-group-commit-'));
  const db = openSqlite<Db>(join(dir, 'bench.db'), { groupCommit });
  try {
    await sql`CREATE TABLE accounts (user_id TEXT PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0), updated_at INTEGER NOT NULL)`.execute(db);
    await sql`CREATE TABLE payments (order_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, amount INTEGER NOT NULL, balance_after INTEGER NOT NULL, created_at INTEGER NOT NULL)`.execute(db);
    await db.insertInto('accounts').values({ user_id: 'u1', balance: 1e15, updated_at: Date.now() }).execute();
    let n = 0;
    return await saturate({
      durationMs: seconds * 1000,
      concurrency,
      cpuMs: ownCpuMs,
      warmupOps: 2000,
      op: () =>
        withTx(db, async ({ trx }) => {
          const now = Date.now();
          const charged = await trx
            .updateTable('accounts')
            .set((eb) => ({ balance: eb('balance', '-', 3), updated_at: now }))
            .where('user_id', '=', 'u1')
            .where('balance', '>=', 3)
            .returning('balance')
            .executeTakeFirstOrThrow();
          await trx.insertInto('payments').values({ order_id: `o${++n}`, user_id: 'u1', amount: 3, balance_after: charged.balance, created_at: now }).execute();
        }),
    });
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: string[] = ['at once\tround\talone µs CPU/unit\tgrouped µs CPU/unit\tratio\talone units/s\tgrouped units/s'];
for (const concurrency of [1, 4, 16]) {
  for (let round = 1; round <= rounds; round++) {
    const alone = await measure(false, concurrency);
    const grouped = await measure(true, concurrency);
    rows.push(
      [concurrency, round, alone.cpuUsPerOp.toFixed(0), grouped.cpuUsPerOp.toFixed(0), (grouped.cpuUsPerOp / alone.cpuUsPerOp).toFixed(2), alone.perSecond.toFixed(0), grouped.perSecond.toFixed(0)].join('\t'),
    );
  }
}
console.log(rows.join('\n'));
