import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints of this process's SQLite files, run on a worker thread of their own.
 *
 * With `synchronous = NORMAL` a commit only appends to the write-ahead log; every wait for the disk
 * (the fsyncs of the log and of the database file) happens in checkpoints. SQLite's automatic one
 * runs inside whichever commit pushes the log past 1,000 pages, on the event loop, since
 * better-sqlite3 is synchronous: the whole process, every request in flight, waits for the disk.
 * In WAL mode another connection may checkpoint while this one writes (a PASSIVE checkpoint takes
 * no lock a writer needs), so the services' connections run with `wal_autocheckpoint = 0` and one
 * worker per process checkpoints each file through a connection of its own.
 */

/**
 * ms between checkpoints of one file, each wait drawn from ±CHECKPOINT_JITTER of it. Once a second
 * keeps the log to a second of writes (a few MiB at the highest rates held here), about what the
 * automatic checkpoint allowed.
 */
const CHECKPOINT_EVERY_MS = 1_000;
/**
 * share of the period each wait is drawn from, either side: the files of one process (four, inproc)
 * opened in the same millisecond would otherwise be checkpointed back to back, every second, in step.
 */
const CHECKPOINT_JITTER = 0.25;
/**
 * ms between looks at a log that did not change, the most: each look that finds it untouched
 * doubles the wait from CHECKPOINT_EVERY_MS up to this, and a change brings it back. After a rest,
 * the first checkpoint comes at most this long after the writes resumed: the log then holds up to
 * 4 s of writes (under MAX_LOG_FRAMES at the rates held here), where a busy process holds 1 s.
 */
const CHECKPOINT_IDLE_EVERY_MS = 4_000;

/** Where a checkpoint ran: the worker, or the event loop (finishing what the worker could not, see `checkpointInBackground`). */
export type CheckpointThread = 'worker' | 'event loop';

/** What each checkpoint took, by file's base name; the process's registry takes it (platform/process-metrics.ts). */
export type CheckpointObserver = (database: string, thread: CheckpointThread, seconds: number) => void;
let observe: CheckpointObserver = () => undefined;

/** Where checkpoint durations go; the process registry sets it once. */
export function onCheckpoint(observer: CheckpointObserver): void {
  observe = observer;
}

/**
 * The worker's code, CommonJS evaluated as is (no file of ours to find or bundle). Per file: its own
 * connection, a PASSIVE checkpoint on a jittered timer, and a message with the time of each one that
 * copied frames. PASSIVE never waits for a lock: with a writer busy it copies what it can, and the
 * next one copies the rest.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const { performance } = require('node:perf_hooks');
const { statSync } = require('node:fs');
const files = new Map();
function schedule(file, entry) {
  const ms = entry.everyMs * (1 - workerData.jitter + 2 * workerData.jitter * Math.random());
  entry.timer = setTimeout(() => run(file, entry), ms);
}
function run(file, entry) {
  try {
    // A log untouched since the last checkpoint has nothing to copy: skip the checkpoint, whose fsyncs
    // cost an idle process about 2 ms a file a second. A commit appends to the log, which moves its
    // modification time (nanoseconds on ext4) or its size.
    const log = statSync(file + '-wal', { throwIfNoEntry: false });
    // Each look that finds it so doubles the wait, up to idleEveryMs: a process at rest wakes this
    // thread a few times a minute, not every second per file.
    if (log && log.mtimeMs === entry.walMtime && log.size === entry.walSize) {
      entry.everyMs = Math.min(workerData.idleEveryMs, entry.everyMs * 2);
      schedule(file, entry);
      return;
    }
    entry.everyMs = workerData.everyMs;
    const started = performance.now();
    const row = entry.db.pragma('wal_checkpoint(PASSIVE)')[0];
    const seconds = (performance.now() - started) / 1000;
    if (row) parentPort.postMessage({ file, seconds, log: row.log, copied: row.checkpointed > 0 && (row.log !== entry.log || row.checkpointed !== entry.checkpointed) });
    if (row) { entry.log = row.log; entry.checkpointed = row.checkpointed; }
    // Remembered only when this checkpoint copied the whole log: one that a reader held back must run again.
    const whole = row && log && row.checkpointed === row.log;
    entry.walMtime = whole ? log.mtimeMs : -1;
    entry.walSize = whole ? log.size : -1;
  } catch (err) {
    // the file is gone or locked for good: the next round tries again
  }
  if (files.get(file) === entry) schedule(file, entry);
}
parentPort.on('message', (m) => {
  if (m.type === 'add') {
    const entry = files.get(m.file);
    if (entry) { entry.users += 1; return; }
    let db;
    try {
      db = new Database(m.file, { fileMustExist: true });
      db.pragma('busy_timeout = 5000');
    } catch (err) {
      return;
    }
    const added = { db, users: 1, log: -1, checkpointed: -1, walMtime: -1, walSize: -1, everyMs: workerData.everyMs, timer: undefined };
    files.set(m.file, added);
    schedule(m.file, added);
  } else if (m.type === 'remove') {
    const entry = files.get(m.file);
    if (!entry || --entry.users > 0) return;
    files.delete(m.file);
    clearTimeout(entry.timer);
    try { entry.db.close(); } catch (err) {}
  } else if (m.type === 'exit') {
    parentPort.close();
  }
});
`;

/**
 * frames (pages) the log may hold after the worker's checkpoint before the event loop finishes one
 * itself. A checkpoint from another connection copies the log but cannot empty it while this one
 * keeps writing: the log starts over only when a transaction begins with every frame copied, and
 * under a steady load new frames arrive during each checkpoint (SQLite's "checkpoint starvation";
 * a soak saw the logs grow to 36 MiB in 100 s). A checkpoint on the writing connection has no
 * writer beside it, so it completes, and then it copies only the frames since the worker's last:
 * 4,096 pages (16 MiB) bound the log and make this rare (about once a minute per file at the
 * rates held here) against once a second.
 */
export const MAX_LOG_FRAMES = 4_096;

/**
 * frames past which SQLite's own checkpoint runs in the commit that crosses them, on the writing
 * connection: the backstop for a worker that does not get to look in time. The worker is a thread
 * on a timer; on a machine short of CPU it looks late (a CI run under load saw the log reach 36 MiB
 * against MAX_LOG_FRAMES' 16 MiB), and only its look starts the event loop's finishing checkpoint.
 * SQLite's check runs in every commit, so the log never holds more than this and one transaction.
 * 1.5 × MAX_LOG_FRAMES keeps it out of the way whenever the worker keeps up.
 */
export const BACKSTOP_LOG_FRAMES = 6_144;

/** the writing connection's own checkpoint, to run when the worker reports the log over MAX_LOG_FRAMES */
type Finish = () => void;

let worker: Worker | undefined;
/** the connections of this process per file, each with its finishing checkpoint */
const finishers = new Map<string, Set<Finish>>();
let open = 0;

function theWorker(): Worker {
  if (worker) return worker;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, everyMs: CHECKPOINT_EVERY_MS, idleEveryMs: CHECKPOINT_IDLE_EVERY_MS, jitter: CHECKPOINT_JITTER } });
  // The checkpoints never keep a process up that is otherwise done; the last connection's close checkpoints anyway.
  started.unref();
  started.on('message', (m: { file: string; seconds: number; log: number; copied: boolean }) => {
    if (m.copied) observe(basename(m.file), 'worker', m.seconds);
    if (m.log > MAX_LOG_FRAMES) for (const finish of finishers.get(m.file) ?? []) finish();
  });
  // A worker that failed (it should not) leaves the log to grow until the next start: say so, once.
  started.on('error', (err) => process.emitWarning(`SQLite checkpoints stopped: ${err.message}`));
  started.on('exit', () => {
    if (worker === started) worker = undefined;
  });
  worker = started;
  return started;
}

/** A connection's own PASSIVE checkpoint, timed; false when the connection is closed. */
function checkpointOn(db: Database.Database, file: string): boolean {
  try {
    const started = performance.now();
    db.pragma('wal_checkpoint(PASSIVE)');
    observe(basename(file), 'event loop', (performance.now() - started) / 1000);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checkpoints `file` from the worker while `db`, the caller's connection, keeps it open, and on `db`
 * when the log grows past MAX_LOG_FRAMES. @returns stop, which the caller calls before it closes
 * `db`. In-memory databases have no log to checkpoint.
 */
export function checkpointInBackground(db: Database.Database, file: string): () => void {
  if (file === ':memory:' || file === '') return () => undefined;
  const w = theWorker();
  open += 1;
  const finish: Finish = () => void checkpointOn(db, file);
  finishers.set(file, (finishers.get(file) ?? new Set()).add(finish));
  w.postMessage({ type: 'add', file });
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    open -= 1;
    finishers.get(file)?.delete(finish);
    w.postMessage({ type: 'remove', file });
    // No file left: the thread goes too, so a process that opens a database once carries no idle thread.
    if (open === 0 && worker === w) {
      worker = undefined;
      // After the 'remove' above: messages are handled in order, so its connections close first.
      w.postMessage({ type: 'exit' });
      setTimeout(() => void w.terminate(), 1_000).unref();
    }
  };
}
