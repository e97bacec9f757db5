import { parentPort, Worker, workerData } from 'node:worker_threads';

/**
 * Replicas as worker threads: each opens its own SQLite connection and NATS connection, as a
 * replica process would. (Two connections in one thread cannot race: one that waits for a lock
 * blocks the thread, and with it the other connection that holds the lock.)
 */

type Request = { readonly id: number; readonly op: string; readonly arg: unknown; readonly gate?: SharedArrayBuffer };
type Reply = { readonly id: number } & ({ readonly ready: true } | { readonly value: unknown } | { readonly error: string });

export interface Replica {
  call<T>(op: string, arg?: unknown): Promise<T>;
  /** like call, but the replica first waits on `gate` (see atOnce); `ready` is called once it waits */
  callAtGate<T>(op: string, arg: unknown, gate: SharedArrayBuffer, ready: () => void): Promise<T>;
  close(): Promise<void>;
}

const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/** Starts `script` in a worker thread; it calls `serve()` once it is ready for calls. */
export async function aReplica(script: URL, data: Record<string, unknown>): Promise<Replica> {
  const worker = new Worker(ENTRY, { workerData: { ...data, script: script.href } });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  let next = 0;
  const waiting = new Map<number, { ready?: () => void; done: (reply: Reply) => void }>();
  worker.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id);
    if ('ready' in reply) return w?.ready?.();
    waiting.delete(reply.id);
    w?.done(reply);
  });
  const send = <T>(op: string, arg: unknown, gate?: SharedArrayBuffer, ready?: () => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      waiting.set(id, {
        ready,
        done: (reply) => ('error' in reply ? reject(new Error(reply.error)) : resolve((reply as { value: T }).value)),
      });
      worker.postMessage({ id, op, arg, gate } satisfies Request);
    });
  return {
    call: (op, arg) => send(op, arg),
    callAtGate: send,
    async close() {
      await send('close', undefined).catch(() => undefined);
      await worker.terminate();
    },
  };
}

/**
 * Runs one call on each replica at the same instant: every replica waits on a shared gate
 * (Atomics.wait blocks its thread) until all are waiting, then all are let go together.
 */
export async function atOnce<T>(calls: readonly { readonly replica: Replica; readonly op: string; readonly arg: unknown }[]): Promise<T[]> {
  const gate = new SharedArrayBuffer(4);
  let readyCount = 0;
  let allReady!: () => void;
  const everyoneWaits = new Promise<void>((resolve) => (allReady = resolve));
  const results = calls.map(({ replica, op, arg }) =>
    replica.callAtGate<T>(op, arg, gate, () => void (++readyCount === calls.length && allReady())),
  );
  await everyoneWaits;
  const flag = new Int32Array(gate);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  return Promise.all(results);
}

/** The worker side: answers calls with `handlers`; `close` is answered by `onClose`. */
export function serve(handlers: Record<string, (arg: any) => Promise<unknown>>, onClose: () => Promise<void> = async () => {}): void {
  const port = parentPort;
  if (!port) throw new Error('serve: not in a worker thread');
  port.on('message', async ({ id, op, arg, gate }: Request) => {
    try {
      if (gate) {
        port.postMessage({ id, ready: true } satisfies Reply);
        Atomics.wait(new Int32Array(gate), 0, 0);
      }
      if (op === 'close') {
        await onClose();
        port.postMessage({ id, value: null } satisfies Reply);
        return;
      }
      const handler = handlers[op];
      if (!handler) throw new Error(`no operation ${op}`);
      port.postMessage({ id, value: await handler(arg) } satisfies Reply);
    } catch (error) {
      port.postMessage({ id, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) } satisfies Reply);
    }
  });
  port.postMessage('serving');
}

/** What the main thread passed to aReplica. */
export const replicaData = <T>(): T => workerData as T;
