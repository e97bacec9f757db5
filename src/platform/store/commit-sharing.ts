/**
 * The databases whose units of work should share commits (group commit, services/kernel/group-commit.ts).
 * The store says so where it pays: SQLite, whose commits are one writer's, one at a time, and
 * PostgreSQL where the process is the database's only writer (docs/benchmarks.md measures both). The unit of
 * work reads it, so the store needs nothing of the services.
 */
const sharing = new WeakSet<object>();

export function shareCommits(db: object): void {
  sharing.add(db);
}

export function sharesCommits(db: object): boolean {
  return sharing.has(db);
}
