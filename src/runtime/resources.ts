/**
 * What this process started and must undo if it is told to stop before it is done: private
 * nats-servers, child systems, temporary directories. Each is held while it exists and let go
 * when it was stopped the normal way; a signal handler releases whatever is still held.
 */
const held = new Map<number, () => Promise<unknown>>();
let next = 0;

/** Holds `release` until the returned function is called. */
export function hold(release: () => Promise<unknown>): () => void {
  const id = next++;
  held.set(id, release);
  return () => void held.delete(id);
}

/** Releases everything still held, newest first; one failure does not stop the others. */
export async function releaseAll(): Promise<void> {
  const all = [...held.entries()].reverse();
  held.clear();
  for (const [, release] of all) await release().catch(() => undefined);
}
