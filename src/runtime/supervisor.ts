import { restartDelay } from './backoff.ts';
import { spawnChild, type ChildRun } from './child-run.ts';
import { newSlot, slotInfo, type Slot } from './supervisor-slot.ts';
import {
  ProcessAlreadySupervised,
  ProcessNotReady,
  ProcessStartFailed,
  SupervisorClosed,
  UnknownProcess,
} from './supervisor-errors.ts';
import type {
  LineSink,
  ProcessExit,
  Supervisor,
  SupervisorEvent,
  SupervisorOptions,
} from './supervisor-types.ts';

// One import for callers: the supervisor's types and errors come with it.
export type * from './supervisor-types.ts';
export * from './supervisor-errors.ts';

/** An event as the code that causes it knows it; emit() adds when and the state after. */
type EventBody = SupervisorEvent extends infer E ? (E extends SupervisorEvent ? Omit<E, 'at' | 'info'> : never) : never;

const defaultStdout: LineSink = (line) => {
  // One write per whole line: lines of several children never interleave mid-line.
  process.stdout.write(`${line}\n`);
};
const defaultStderr: LineSink = (line, from) => {
  process.stderr.write(`[${from.service}#${from.replica}] ${line}\n`);
};

/**
 * Runs child processes the way a process manager does: a child that exits without being asked is
 * restarted with exponential backoff and keeps its spec (so its port and data directory).
 *
 * Children speak the protocol of `supervised.ts`: `ready <url>` on stdout, and they exit when the
 * IPC channel closes, so none outlives the supervisor, even one SIGKILLed. The supervisor installs
 * no process handlers (no SIGINT, SIGTERM, SIGHUP, 'exit'): the CLI owns signals and calls
 * shutdown() from its handler.
 */
export function createSupervisor(opts: SupervisorOptions = {}): Supervisor {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 30_000;
  const minBackoffMs = opts.minBackoffMs ?? 100;
  const maxBackoffMs = opts.maxBackoffMs ?? 10_000;
  const stableAfterMs = opts.stableAfterMs ?? 10_000;
  const stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;
  const maxConsecutiveFailures = opts.maxConsecutiveFailures ?? Infinity;
  const stdout = opts.stdout ?? defaultStdout;
  const stderr = opts.stderr ?? defaultStderr;

  // Insertion order is start order, which shutdown() reverses.
  const slots = new Map<string, Slot>();
  // Re-checked after every event (waitReady).
  const watchers = new Set<() => void>();
  let closing: Promise<void> | undefined;

  const emit = (slot: Slot, event: EventBody): void => {
    const full = { ...event, at: Date.now(), info: slotInfo(slot) } as SupervisorEvent;
    try {
      opts.onEvent?.(full);
    } catch (error) {
      // An observer's bug surfaces as its own uncaught error instead of leaving a slot half-updated.
      queueMicrotask(() => {
        throw error;
      });
    }
    for (const watcher of watchers) watcher();
  };

  const select = (service: string, replica?: number): Slot[] => {
    const found = [...slots.values()].filter(
      (s) => s.spec.service === service && (replica === undefined || s.spec.replica === replica),
    );
    if (found.length === 0) throw new UnknownProcess(service, replica);
    return found;
  };

  /** Spawns the slot's process; `explicit` runs belong to a caller who is told when they fail to start. */
  const launch = (slot: Slot, explicit: boolean): ChildRun => {
    const { spec } = slot;
    const from = { service: spec.service, replica: spec.replica };
    const run = spawnChild({
      command: spec.command,
      args: spec.args,
      env: {
        ...process.env,
        ...spec.env,
        INTERPLAY_RESTARTS: String(slot.restarts),
        INTERPLAY_REPLICA: String(spec.replica),
      },
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
      readyTimeoutMs,
      onStdout: (line) => stdout(line, from),
      onStderr: (line) => stderr(line, from),
    });
    Object.assign(slot, { run, state: 'starting', url: undefined, upSince: undefined });
    emit(slot, { type: 'starting' });
    run.ready.then(
      (url) => {
        if (slot.run !== run) return;
        Object.assign(slot, { state: 'up', url, upSince: Date.now() });
        emit(slot, { type: 'ready' });
      },
      () => {},
    );
    void run.exited.then((exit) => onExit(slot, run, exit, explicit));
    return run;
  };

  const onExit = (slot: Slot, run: ChildRun, exit: ProcessExit, explicit: boolean): void => {
    if (slot.run !== run) return;
    const uptime = slot.upSince === undefined ? undefined : exit.at - slot.upSince;
    Object.assign(slot, { run: undefined, url: undefined, upSince: undefined, lastExit: exit });
    const expected = !slot.wanted || closing !== undefined;
    // A caller's start that fails is reported to that caller; restarting it would hide a bad spec.
    if (expected || (explicit && uptime === undefined)) {
      Object.assign(slot, { state: 'stopped', wanted: false });
      emit(slot, { type: 'exit', exit, expected });
      return;
    }
    slot.failures = uptime !== undefined && uptime >= stableAfterMs ? 1 : slot.failures + 1;
    if (slot.failures > maxConsecutiveFailures) {
      Object.assign(slot, { state: 'stopped', wanted: false });
      emit(slot, { type: 'exit', exit, expected });
      emit(slot, { type: 'gave-up', failures: slot.failures - 1 });
      return;
    }
    const delayMs = restartDelay(slot.failures, minBackoffMs, maxBackoffMs);
    slot.state = 'backoff';
    emit(slot, { type: 'exit', exit, expected });
    emit(slot, { type: 'restart-scheduled', delayMs, failures: slot.failures });
    // Ref'd on purpose: a supervisor waiting to restart a child must keep its process alive.
    slot.restartTimer = setTimeout(() => {
      slot.restartTimer = undefined;
      if (!slot.wanted || closing) return;
      slot.restarts += 1;
      launch(slot, false);
    }, delayMs);
  };

  /** A start asked for by a caller: resolves when ready; on failure leaves the slot stopped, no process. */
  const bringUp = async (slot: Slot): Promise<void> => {
    clearTimeout(slot.restartTimer);
    Object.assign(slot, { restartTimer: undefined, wanted: true, failures: 0 });
    const run = launch(slot, true);
    try {
      await run.ready;
    } catch (error) {
      throw new ProcessStartFailed(`${slot.name} did not start: ${(error as Error).message}`, { cause: error });
    }
  };

  const stopSlot = async (slot: Slot): Promise<void> => {
    const wasDown = slot.state === 'stopped';
    clearTimeout(slot.restartTimer);
    Object.assign(slot, { restartTimer: undefined, wanted: false });
    if (slot.run) await slot.run.terminate(stopTimeoutMs);
    slot.state = 'stopped';
    if (!wasDown) emit(slot, { type: 'stopped' });
  };

  const waitUntilUp = (targets: readonly Slot[], timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!targets.every((s) => s.state === 'up')) return;
        settle();
        resolve();
      };
      const timer = setTimeout(() => {
        settle();
        const states = targets.map((s) => `${s.name} ${s.state}`).join(', ');
        reject(new ProcessNotReady(`${what} not up within ${timeoutMs} ms (${states})`));
      }, timeoutMs);
      const settle = (): void => {
        clearTimeout(timer);
        watchers.delete(check);
      };
      watchers.add(check);
      check();
    });

  return {
    async start(spec) {
      if (closing) throw new SupervisorClosed();
      if (!Number.isSafeInteger(spec.replica) || spec.replica < 1) {
        throw new RangeError(`replica must be a positive integer, got ${spec.replica}`);
      }
      const name = `${spec.service}#${spec.replica}`;
      const known = slots.get(name);
      if (known && known.state !== 'stopped') throw new ProcessAlreadySupervised(name);
      const slot = known ?? newSlot(spec, name);
      slot.spec = spec;
      slots.set(name, slot);
      try {
        await bringUp(slot);
      } catch (error) {
        // A process that never came up is not supervised: list() shows what runs or ran.
        if (!known) slots.delete(name);
        throw error;
      }
      return slotInfo(slot);
    },

    list: () => [...slots.values()].map(slotInfo),

    async stop(service, replica) {
      await Promise.all(select(service, replica).map(stopSlot));
    },

    async startAgain(service, replica) {
      if (closing) throw new SupervisorClosed();
      const targets = select(service, replica);
      await Promise.all(
        targets.map((slot) => {
          switch (slot.state) {
            case 'up':
              return undefined;
            case 'starting':
              return waitUntilUp([slot], readyTimeoutMs, slot.name);
            case 'backoff':
            case 'stopped':
              return bringUp(slot);
          }
        }),
      );
    },

    async kill(service, replica, signal = 'SIGKILL') {
      const targets = select(service, replica).filter((s) => s.run !== undefined);
      await Promise.all(
        targets.map(async (slot) => {
          const run = slot.run!;
          run.signal(signal);
          // A signal the child survives (or handles slowly) must not hang the caller.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([run.exited, new Promise((resolve) => (timer = setTimeout(resolve, stopTimeoutMs)))]);
          clearTimeout(timer);
        }),
      );
      return targets.map(slotInfo);
    },

    async waitReady(service, replica, timeoutMs = readyTimeoutMs) {
      const what = replica === undefined ? service : `${service}#${replica}`;
      await waitUntilUp(select(service, replica), timeoutMs, what);
    },

    shutdown() {
      closing ??= (async () => {
        // The last service started (in a system: the gateway, what callers reach) stops first, so no
        // new work comes in; then every other process at once. Each finishes its own in-flight work,
        // and one after another they would not fit in the 2 s a stop may take.
        const all = [...slots.values()];
        const front = all.at(-1)?.spec.service;
        await Promise.all(all.filter((slot) => slot.spec.service === front).map(stopSlot));
        await Promise.all(all.filter((slot) => slot.spec.service !== front).map(stopSlot));
      })();
      return closing;
    },
  };
}
