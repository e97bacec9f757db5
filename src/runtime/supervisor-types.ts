/** What a caller gives and sees of the process supervisor (`supervisor.ts`). */

export interface ProcessSpec {
  /** e.g. 'billing' or 'gateway' */
  readonly service: string;
  /** 1-based */
  readonly replica: number;
  /** e.g. process.execPath */
  readonly command: string;
  readonly args: readonly string[];
  /** merged over process.env (undefined removes a variable); the supervisor adds INTERPLAY_RESTARTS and INTERPLAY_REPLICA */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** working directory; default the parent's */
  readonly cwd?: string;
}

/** Names one process (`service#replica`) in output, errors and events. */
export interface ProcessName {
  readonly service: string;
  readonly replica: number;
}

/**
 * starting: spawned, no ready line yet. up: printed its ready line. backoff: exited unasked, a
 * restart is scheduled. stopped: down and stays down until started again (stopped on purpose, a
 * failed explicit start, or given up).
 */
export type ProcessState = 'starting' | 'up' | 'backoff' | 'stopped';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** ms epoch */
  readonly at: number;
}

export interface ProcessInfo extends ProcessName {
  /** undefined while no process runs (backoff, stopped) */
  readonly pid: number | undefined;
  /** from the ready line; undefined until the process is up */
  readonly url: string | undefined;
  /** automatic restarts after unasked exits; a stop() and startAgain() is not one */
  readonly restarts: number;
  /** ms epoch of the ready line of the running process */
  readonly upSince: number | undefined;
  readonly state: ProcessState;
  readonly lastExit?: ProcessExit;
}

/** Every transition, so a dashboard can show restarts live. `at` is ms epoch; `info` is the state after it. */
export type SupervisorEvent =
  | { readonly type: 'starting'; readonly at: number; readonly info: ProcessInfo }
  | { readonly type: 'ready'; readonly at: number; readonly info: ProcessInfo }
  | {
      readonly type: 'exit';
      readonly at: number;
      readonly info: ProcessInfo;
      readonly exit: ProcessExit;
      /** true when stop() or shutdown() asked for it */
      readonly expected: boolean;
    }
  | {
      readonly type: 'restart-scheduled';
      readonly at: number;
      readonly info: ProcessInfo;
      readonly delayMs: number;
      /** consecutive failures so far, which chose the delay */
      readonly failures: number;
    }
  | { readonly type: 'stopped'; readonly at: number; readonly info: ProcessInfo }
  | { readonly type: 'gave-up'; readonly at: number; readonly info: ProcessInfo; readonly failures: number };

/** Receives one whole line of a child's output (without its newline). */
export type LineSink = (line: string, from: ProcessName) => void;

export interface SupervisorOptions {
  /**
   * ms from spawn to the ready line; default 30000. A service under tsx compiles on start and runs
   * its migrations; on a loaded 2-core machine that has taken several seconds. A child that
   * misses it is SIGKILLed.
   */
  readonly readyTimeoutMs?: number;
  /**
   * ms before the first restart; default 100 (as systemd's RestartSec). Short, so a killed service
   * is back quickly and an outage run measures the kill, not our waiting.
   */
  readonly minBackoffMs?: number;
  /**
   * ms, the cap of the doubling delay; default 10000. A crash loop then costs at most one process
   * start (under a CPU second for a service) every 10 s on a 2-core machine, and a fixed
   * cause (the broker back) is noticed within 10 s.
   */
  readonly maxBackoffMs?: number;
  /**
   * ms a process must have been up for its exit to count as a new incident, resetting the delay
   * to minBackoffMs; default 10000. Shorter runs are a crash loop (a service that dies on its first
   * requests after a restart) and keep doubling.
   */
  readonly stableAfterMs?: number;
  /**
   * ms stop() waits after SIGTERM before SIGKILL; default 10000. A service finishes in-flight
   * requests on SIGTERM, and those wait up to 5 s for downstream calls; longer means it hangs.
   */
  readonly stopTimeoutMs?: number;
  /**
   * consecutive failures after which a process is left stopped (event 'gave-up'); default Infinity.
   * A measurement would rather see a service come back late than never; set it for a CI run that
   * should fail fast.
   */
  readonly maxConsecutiveFailures?: number;
  /** sees every transition; a throw is rethrown asynchronously, never into the supervisor */
  onEvent?(event: SupervisorEvent): void;
  /** where children's stdout lines go, except ready lines; default: the parent's stdout, unchanged */
  readonly stdout?: LineSink;
  /** where children's stderr lines go; default: the parent's stderr, prefixed with `[service#replica] ` */
  readonly stderr?: LineSink;
}

export interface Supervisor {
  /** spawns; resolves once the child prints its ready line; rejects (ProcessStartFailed) and leaves no process when it exits or times out first */
  start(spec: ProcessSpec): Promise<ProcessInfo>;
  /** in start order */
  list(): readonly ProcessInfo[];
  /** SIGTERM, SIGKILL after stopTimeoutMs; stays down until startAgain(); every replica when replica is omitted */
  stop(service: string, replica?: number): Promise<void>;
  /** brings stopped (or backing-off) processes back with the same spec; resolves when they are ready */
  startAgain(service: string, replica?: number): Promise<void>;
  /**
   * sends `signal` (default SIGKILL) as a crash from outside would: the supervisor restarts with
   * backoff. Resolves once the signalled processes have exited (or stopTimeoutMs passed) with their info.
   * A process in backoff or stopped has nothing to signal and is left out; killing one whose start()
   * is still waiting for its ready line makes that start() reject.
   */
  kill(service: string, replica?: number, signal?: NodeJS.Signals): Promise<ProcessInfo[]>;
  /** resolves when every matching process is up; rejects (ProcessNotReady) after timeoutMs, default readyTimeoutMs */
  waitReady(service: string, replica?: number, timeoutMs?: number): Promise<void>;
  /** stops the last started service's processes, then all others at once; idempotent, never rejects, safe from a signal handler */
  shutdown(): Promise<void>;
}
