import { createRequire } from 'node:module';
import { basename } from 'node:path';
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

/** What each checkpoint took, by file's base name; the process's registry takes it (platform/process-metrics.ts). */
export type CheckpointObserver = (database: string, seconds: number) => void;
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
const files = new Map();
function schedule(file, entry) {
  const ms = workerData.everyMs * (1 - workerData.jitter + 2 * workerData.jitter * Math.random());
  entry.timer = setTimeout(() => run(file, entry), ms);
}
function run(file, entry) {
  try {
    const started = performance.now();
    const row = entry.db.pragma('wal_checkpoint(PASSIVE)')[0];
    const seconds = (performance.now() - started) / 1000;
    if (row && row.checkpointed > 0 && (row.log !== entry.log || row.checkpointed !== entry.checkpointed)) {
      parentPort.postMessage({ file, seconds });
    }
    if (row) { entry.log = row.log; entry.checkpointed = row.checkpointed; }
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
    const added = { db, users: 1, log: -1, checkpointed: -1, timer: undefined };
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

let worker: Worker | undefined;
/** connections of this process per file, so the worker keeps one connection per file however many open it */
let open = 0;

function theWorker(): Worker {
  if (worker) return worker;
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const started = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, everyMs: CHECKPOINT_EVERY_MS, jitter: CHECKPOINT_JITTER } });
  // The checkpoints never keep a process up that is otherwise done; the last connection's close checkpoints anyway.
  started.unref();
  started.on('message', (m: { file: string; seconds: number }) => observe(basename(m.file), m.seconds));
  // A worker that failed (it should not) leaves the log to grow until the next start: say so, once.
  started.on('error', (err) => process.emitWarning(`SQLite checkpoints stopped: ${err.message}`));
  started.on('exit', () => {
    if (worker === started) worker = undefined;
  });
  worker = started;
  return started;
}

/**
 * Checkpoints `file` from the worker while the caller keeps it open. @returns stop, which the caller
 * calls before it closes its connection. In-memory databases have no log to checkpoint.
 */
export function checkpointInBackground(file: string): () => void {
  if (file === ':memory:' || file === '') return () => undefined;
  const w = theWorker();
  open += 1;
  w.postMessage({ type: 'add', file });
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    open -= 1;
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
