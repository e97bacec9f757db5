import { AsyncResource } from 'node:async_hooks';
import { CompiledQuery, type Kysely } from 'kysely';
import { isDeadlock } from '../../platform/store/errors.ts';
import type { UnitOfWork } from './ports.ts';

/**
 * The most units of work one commit takes. Units on SQLite run one after another on the one
 * connection, a fraction of a millisecond each, so 64 bounds the first unit's wait for its answer
 * to a few ms of the others' work even when requests never stop arriving.
 */
export const GROUP_MAX_UNITS = 64;

/** What a unit of work left for its caller: its value, and the hooks to run now that it is committed. */
export interface Committed<T> {
  readonly value: T;
  readonly hooks: readonly (() => void)[];
}

interface Queued {
  readonly fn: (tx: UnitOfWork<any>) => Promise<unknown>;
  readonly resolve: (done: Committed<unknown>) => void;
  readonly reject: (error: unknown) => void;
}

/** Tells the unit of work which transaction a nested withTx joins (tx.ts's registry). */
export type Enter = (trx: Kysely<any>, tx: UnitOfWork<any> | undefined) => void;

const SAVEPOINT = CompiledQuery.raw('savepoint unit_of_work');
const RELEASE = CompiledQuery.raw('release savepoint unit_of_work');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint unit_of_work');

/** Rolls back a group whose first unit failed: nothing else is in it yet. */
class FirstUnitFailed extends Error {
  override name = 'FirstUnitFailed';
}

/** resolves once the event loop has turned: the I/O callbacks of this turn have run */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Group commit: the units of work that arrive while a transaction is open share it, each inside its
 * own savepoint, and share its COMMIT.
 *
 * - A unit that fails rolls back to its savepoint: its own writes go, the others' stay. It is
 *   answered (rejected) at once, since nothing of it waits for the commit.
 * - A unit that succeeds is answered only after the shared COMMIT, and its afterCommit hooks run then.
 * - A COMMIT that fails fails every unit of the group. Retrying each alone would run its code again
 *   (new ids, a second delivery of what it deferred) for a failure that is the database's, not the
 *   unit's (the disk, the server gone), which a unit alone would meet too; every use case is
 *   idempotent, so the callers' own retries (a client's, a redelivered event) are safe. A connection
 *   lost mid-group (PostgreSQL gone, its backend ended) is such a failure: every unit of the group fails
 *   with the connection's error, which the services answer as the database being unavailable (503).
 *
 * No timer: a transaction opens at once for the first unit, and closes when the units queued are done
 * and the event loop has turned once with none arriving (the HTTP requests and messages read in that
 * turn join it), or after GROUP_MAX_UNITS. At low load a unit is committed one loop turn after it
 * finishes. Units run one at a time, as they did on SQLite's one connection: a unit never waits for
 * another unit's commit while holding the transaction, so grouping adds no wait that could close a cycle
 * inside a process. On PostgreSQL the group holds one connection of the pool (reads and the relays use
 * the others), and it runs READ COMMITTED as every transaction there: a unit sees the rows the group's
 * earlier units wrote, as it would once they had committed. Between processes (replicas of a service on
 * one database, which therefore do not group; docs/postgres.md) two groups can each hold a row that the other's next unit waits for, where the units
 * alone would not have deadlocked. PostgreSQL fails one of those statements (deadlock detected, after
 * deadlock_timeout): that unit rolls back to its savepoint, its group commits without it, and it runs
 * again first in the next group, where it holds no lock but its own, as alone; the other group goes on.
 */
export class GroupCommit {
  readonly #db: Kysely<any>;
  readonly #enter: Enter;
  #queue: Queued[] = [];
  #open = false;

  constructor(db: Kysely<any>, enter: Enter) {
    this.#db = db;
    this.#enter = enter;
  }

  /** Runs `fn` inside the next shared transaction; resolves after its commit. */
  run<T>(fn: (tx: UnitOfWork<any>) => Promise<T>): Promise<Committed<T>> {
    return new Promise<Committed<T>>((resolve, reject) => {
      const opens = !this.#open;
      // A unit runs in its caller's async context (its trace), not in the group's. The unit that opens a
      // group runs in the context the group was opened in, its own, and needs no binding.
      this.#queue.push({ fn: opens ? fn : AsyncResource.bind(fn), resolve: resolve as Queued['resolve'], reject });
      if (opens) {
        this.#open = true;
        void this.#commitGroup();
      }
    });
  }

  async #commitGroup(): Promise<void> {
    const done: { unit: Queued; value: unknown; hooks: (() => void)[] }[] = [];
    let taken = 0;
    /** the unit running, until it is answered or in `done` */
    let current: Queued | undefined;
    try {
      await this.#db.transaction().execute(async (trx) => {
        while (taken < GROUP_MAX_UNITS) {
          const unit = this.#queue.shift();
          if (!unit) {
            await turn();
            if (this.#queue.length === 0) return;
            continue;
          }
          taken += 1;
          current = unit;
          // The first unit needs no savepoint: if it fails, the transaction holds nothing else and rolls
          // back whole. A group of one (low load) costs what a transaction of its own did, plus a turn.
          const first = taken === 1;
          const hooks: (() => void)[] = [];
          const tx: UnitOfWork<any> = { trx, afterCommit: (hook) => void hooks.push(hook) };
          if (!first) await trx.executeQuery(SAVEPOINT);
          this.#enter(trx, tx);
          let value: unknown;
          try {
            value = await unit.fn(tx);
          } catch (error) {
            this.#enter(trx, undefined);
            // On PostgreSQL a failed statement aborts the transaction until the rollback to the savepoint.
            // A deadlock that the group's earlier units' locks may have closed: once rolled back, the unit
            // runs again first in the next group (still `current` until then, so that a group failing
            // meanwhile fails it too).
            const rerun = !first && isDeadlock(error);
            if (!rerun) {
              current = undefined;
              // Its writes go with the savepoint (or the transaction), or with the whole group if the transaction itself is gone.
              unit.reject(error);
            }
            if (first) throw new FirstUnitFailed();
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            if (rerun) {
              current = undefined;
              this.#queue.unshift(unit);
              return;
            }
            continue;
          }
          this.#enter(trx, undefined);
          current = undefined;
          done.push({ unit, value, hooks });
          if (!first) await trx.executeQuery(RELEASE);
        }
      });
    } catch (error) {
      if (!(error instanceof FirstUnitFailed)) {
        current?.reject(error);
        for (const { unit } of done) unit.reject(error);
        // Nothing began (BEGIN failed): the units waiting would meet the same failure.
        if (taken === 0) for (const unit of this.#queue.splice(0)) unit.reject(error);
      }
      this.#next();
      return;
    }
    for (const { unit, value, hooks } of done) unit.resolve({ value, hooks });
    this.#next();
  }

  #next(): void {
    this.#open = this.#queue.length > 0;
    if (this.#open) void this.#commitGroup();
  }
}
