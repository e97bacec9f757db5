import type { Kysely } from 'kysely';
import { sharesCommits } from '../../platform/store/commit-sharing.ts';
import { GroupCommit } from './group-commit.ts';
import type { UnitOfWork } from './ports.ts';

/** The unit of work of each transaction opened by withTx, so that a nested withTx joins it. */
const open = new WeakMap<Kysely<any>, UnitOfWork<any>>();

/** The databases whose units of work share commits (see groupCommits). */
const grouped = new WeakMap<Kysely<any>, GroupCommit>();

/**
 * From now on, withTx on `db` runs its units of work in shared transactions, a savepoint each, and
 * answers each after the shared commit (group-commit.ts). The store turns it on where it pays: SQLite,
 * whose commits are one writer's, one at a time (platform/store/sqlite.ts), and PostgreSQL where the
 * process is the database's only writer (platform/store/postgres.ts).
 */
export function groupCommits(db: Kysely<any>): void {
  if (grouped.has(db)) return;
  grouped.set(db, new GroupCommit(db, (trx, tx) => (tx ? open.set(trx, tx) : open.delete(trx))));
}

/**
 * Runs `fn` in a transaction, or inside the caller's one when `db` already is a transaction that
 * withTx opened. An event consumer opens the transaction to record the processed event id, and the
 * use case it calls commits its effect in that same transaction.
 *
 * Hooks given to `afterCommit` run once the outermost transaction has committed, in the order they
 * were given, and never after a rollback. A hook should not throw: if one does, the others still
 * run and its error is thrown to the caller, but the commit stands.
 */
export async function withTx<DB, T>(db: Kysely<DB>, fn: (tx: UnitOfWork<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) {
    const outer = open.get(db);
    // A bare transaction has no hooks to run after it commits: what a use case defers would be lost.
    if (!outer) throw new Error('withTx: joined a transaction that withTx did not open');
    return fn(outer as UnitOfWork<DB>);
  }
  if (!grouped.has(db) && sharesCommits(db)) groupCommits(db);
  const group = grouped.get(db);
  if (group) {
    const { value, hooks } = await group.run(fn);
    runHooks(hooks);
    return value;
  }
  const hooks: (() => void)[] = [];
  const result = await db.transaction().execute(async (trx) => {
    const tx: UnitOfWork<DB> = { trx, afterCommit: (hook) => void hooks.push(hook) };
    open.set(trx, tx);
    try {
      return await fn(tx);
    } finally {
      open.delete(trx);
    }
  });
  runHooks(hooks);
  return result;
}

function runHooks(hooks: readonly (() => void)[]): void {
  let failure: { error: unknown } | undefined;
  for (const hook of hooks) {
    try {
      hook();
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
}
