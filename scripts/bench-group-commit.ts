/**
 * What group commit saves: the services' payment-like unit of work (a conditional UPDATE of a balance
 * and an INSERT, through withTx) in closed loops, 1, 4 and 16 at once, with each unit committing alone
 * and with group commit, alternately in one process. Prints µs of CPU per unit and units per second
 * (medians of 1 s samples, as `interplay calibrate` measures its primitives).
 *
 * On PostgreSQL (`postgres`) the units run against a private server (src/runtime/postgres-server.ts:
 * synchronous_commit on, a WAL flush per commit) through the services' pool of DEFAULT_POOL_SIZE
 * connections; CPU is this process's and the server's (postmaster, backends, WAL writer). Each unit
 * charges one of 64 accounts in turn, as orders of different users do: units at once touch different rows.
 * npx tsx scripts/bench-group-commit.ts [seconds per run, default 5] [rounds, default 2] [sqlite|postgres, default sqlite]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { ownCpuMs, saturate, type Saturation } from '../src/measure/calibrate/sampler.ts';
import { processTreeUsage } from '../src/measure/engine/proc.ts';
import { dropDatabase, openSqlite } from '../src/platform/store/index.ts';
import { openPostgres } from '../src/platform/store/postgres.ts';
import { startPrivatePostgres, type PrivatePostgres } from '../src/runtime/postgres-server.ts';
import { withTx } from '../src/services/kernel/index.ts';

interface Db {
  accounts: { user_id: string; balance: number; updated_at: number };
  payments: { order_id: string; user_id: string; amount: number; balance_after: number; created_at: number };
}

const seconds = Number(process.argv[2] ?? 5);
const rounds = Number(process.argv[3] ?? 2);
const store = process.argv[4] ?? 'sqlite';
if (store !== 'sqlite' && store !== 'postgres') throw new Error(`store ${store}: sqlite or postgres`);
const ACCOUNTS = 64;

interface Opened {
  readonly db: Kysely<Db>;
  readonly cpuMs: () => Promise<number> | number;
  close(): Promise<void>;
}

async function openSqliteBench(groupCommit: boolean): Promise<Opened> {
  const dir = mkdtempSync(join(tmpdir(), 'interplay-group-commit-'));
  const db = openSqlite<Db>(join(dir, 'bench.db'), { groupCommit });
  return {
    db,
    cpuMs: ownCpuMs,
    close: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let runs = 0;
async function openPostgresBench(server: PrivatePostgres, groupCommit: boolean): Promise<Opened> {
  const database = `bench_group_commit_${++runs}`;
  const db = await openPostgres<Db>({ url: server.url, database, groupCommit });
  return {
    db,
    cpuMs: async () => ownCpuMs() + ((await processTreeUsage(server.pid))?.cpuMs ?? Number.NaN),
    close: async () => {
      await db.destroy();
      await dropDatabase(server.url, database);
    },
  };
}

async function measure(opened: Opened, concurrency: number): Promise<Saturation> {
  const { db } = opened;
  try {
    await sql`CREATE TABLE accounts (user_id TEXT PRIMARY KEY, balance BIGINT NOT NULL CHECK (balance >= 0), updated_at BIGINT NOT NULL)`.execute(db);
    await sql`CREATE TABLE payments (order_id TEXT PRIMARY KEY, user_id TEXT NOT NULL, amount BIGINT NOT NULL, balance_after BIGINT NOT NULL, created_at BIGINT NOT NULL)`.execute(db);
    const accounts = Array.from({ length: ACCOUNTS }, (_, i) => ({ user_id: `u${i}`, balance: 1e15, updated_at: Date.now() }));
    await db.insertInto('accounts').values(accounts).execute();
    let n = 0;
    return await saturate({
      durationMs: seconds * 1000,
      concurrency,
      cpuMs: opened.cpuMs,
      warmupOps: 2000,
      op: () =>
        withTx(db, async ({ trx }) => {
          const now = Date.now();
          const id = ++n;
          const user = `u${id % ACCOUNTS}`;
          const charged = await trx
            .updateTable('accounts')
            .set((eb) => ({ balance: eb('balance', '-', 3), updated_at: now }))
            .where('user_id', '=', user)
            .where('balance', '>=', 3)
            .returning('balance')
            .executeTakeFirstOrThrow();
          await trx.insertInto('payments').values({ order_id: `o${id}`, user_id: user, amount: 3, balance_after: charged.balance, created_at: now }).execute();
        }),
    });
  } finally {
    await opened.close();
  }
}

const server = store === 'postgres' ? await startPrivatePostgres() : undefined;
const open = (groupCommit: boolean): Promise<Opened> => (server ? openPostgresBench(server, groupCommit) : openSqliteBench(groupCommit));
const rows: string[] = [`${store}: at once\tround\talone µs CPU/unit\tgrouped µs CPU/unit\tratio\talone units/s\tgrouped units/s`];
try {
  for (const concurrency of [1, 4, 16]) {
    for (let round = 1; round <= rounds; round++) {
      const alone = await measure(await open(false), concurrency);
      const grouped = await measure(await open(true), concurrency);
      rows.push(
        [concurrency, round, alone.cpuUsPerOp.toFixed(0), grouped.cpuUsPerOp.toFixed(0), (grouped.cpuUsPerOp / alone.cpuUsPerOp).toFixed(2), alone.perSecond.toFixed(0), grouped.perSecond.toFixed(0)].join('\t'),
      );
      console.error(rows.at(-1));
    }
  }
} finally {
  await server?.stop();
}
console.log(rows.join('\n'));
