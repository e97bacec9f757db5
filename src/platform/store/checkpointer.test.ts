import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { processMetrics } from '../process-metrics.ts';
import { BACKSTOP_LOG_FRAMES, MAX_LOG_FRAMES } from './checkpointer.ts';
import { openSqlite } from './sqlite.ts';

const MiB = 2 ** 20;
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** How many checkpoints the process registry holds for one database file on one thread. */
async function checkpointsOf(database: string, thread: string): Promise<number> {
  const [series] = (await processMetrics().checkpoints.get()).values.filter(
    (v) => v.metricName === 'interplay_sqlite_checkpoint_seconds_count' && v.labels['database'] === database && v.labels['thread'] === thread,
  );
  return series?.value ?? 0;
}

describe('SQLite checkpoints', () => {
  it('keep the write-ahead log bounded under a steady writer: the checkpoint thread copies it, the writing connection lets it start over', async () => {
    processMetrics(); // the registry that counts the checkpoints
    dir = await mkdtemp(join(tmpdir(), 'interplay-checkpoints-'));
    const file = join(dir, 'steady.sqlite');
    const db = openSqlite<{ rows: { body: Uint8Array } }>(file);
    await sql`create table rows (body blob)`.execute(db);
    const limitBytes = MAX_LOG_FRAMES * 4096;
    try {
      // Three times the log's bound in 1 MiB commits, paced so the checkpoint thread runs in between,
      // as a service's commits leave the loop between requests.
      const row = new Uint8Array(64 * 1024);
      for (let mib = 0; mib < (3 * limitBytes) / MiB; mib++) {
        await db.transaction().execute(async (trx) => {
          for (let i = 0; i < 16; i++) await trx.insertInto('rows').values({ body: row }).execute();
        });
        await new Promise((r) => setTimeout(r, 60));
      }
      const wal = (await stat(`${file}-wal`)).size;
      // Without a checkpoint that lets the log start over it would hold all 48 MiB written.
      expect(wal).toBeLessThan(2 * limitBytes);
      expect(await checkpointsOf('steady.sqlite', 'worker')).toBeGreaterThan(0);
      // Which checkpoint on the writing connection let the log start over depends on how often the
      // worker got to look: its finishing one ('event loop') when it looked in time, SQLite's own at the
      // backstop when the writer outran it (a fast quiet machine writes 8 MiB between two looks; a
      // loaded one delays the looks). Both are the writing connection's; the bound above holds either way.
    } finally {
      await db.destroy();
    }
  }, 120_000);

  it("hold the log to the backstop when the worker's word never gets through: commits back to back, the event loop never free", async () => {
    dir = await mkdtemp(join(tmpdir(), 'interplay-checkpoints-'));
    const file = join(dir, 'starved.sqlite');
    const db = openSqlite<{ rows: { body: Uint8Array } }>(file);
    await sql`create table rows (body blob)`.execute(db);
    try {
      // 48 MiB in 1 MiB commits with no pause: only microtasks run in between, so the worker's report
      // that the log is over its bound is never read, as on a process too busy to turn its loop.
      const row = new Uint8Array(64 * 1024);
      for (let mib = 0; mib < 48; mib++) {
        await db.transaction().execute(async (trx) => {
          for (let i = 0; i < 16; i++) await trx.insertInto('rows').values({ body: row }).execute();
        });
      }
      const wal = (await stat(`${file}-wal`)).size;
      // The backstop's frames and one commit's (256 pages of 4 KiB, each with a 24-byte header).
      expect(wal).toBeLessThan((BACKSTOP_LOG_FRAMES + 300) * (4096 + 24));
    } finally {
      await db.destroy();
    }
  }, 120_000);
});
