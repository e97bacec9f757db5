import type { ChildRun } from './child-run.ts';
import type { ProcessExit, ProcessInfo, ProcessSpec, ProcessState } from './supervisor-types.ts';

/** One supervised `service#replica`: its spec, and whichever process currently plays it. */
export interface Slot {
  spec: ProcessSpec;
  readonly name: string;
  state: ProcessState;
  run: ChildRun | undefined;
  restartTimer: NodeJS.Timeout | undefined;
  /** false once stop() asked for it: an exit is then not a crash */
  wanted: boolean;
  restarts: number;
  /** consecutive exits before stableAfterMs of uptime; chooses the next delay */
  failures: number;
  url: string | undefined;
  upSince: number | undefined;
  lastExit: ProcessExit | undefined;
}

/** A slot for `spec` named `name`, stopped, before its first start. */
export function newSlot(spec: ProcessSpec, name: string): Slot {
  return {
    spec,
    name,
    state: 'stopped',
    run: undefined,
    restartTimer: undefined,
    wanted: false,
    restarts: 0,
    failures: 0,
    url: undefined,
    upSince: undefined,
    lastExit: undefined,
  };
}

/** What callers see of a slot (list(), events). */
export function slotInfo(slot: Slot): ProcessInfo {
  return {
    service: slot.spec.service,
    replica: slot.spec.replica,
    pid: slot.run?.pid,
    url: slot.url,
    restarts: slot.restarts,
    upSince: slot.upSince,
    state: slot.state,
    ...(slot.lastExit ? { lastExit: slot.lastExit } : {}),
  };
}
