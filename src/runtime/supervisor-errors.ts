/** Failures of the process supervisor, with stable codes for the CLI and the outage runner. */

export class UnknownProcess extends Error {
  override readonly name = 'UnknownProcess';
  readonly code = 'RUNTIME.UNKNOWN_PROCESS';
  constructor(service: string, replica: number | undefined) {
    super(`no supervised process ${replica === undefined ? service : `${service}#${replica}`}`);
  }
}

export class ProcessAlreadySupervised extends Error {
  override readonly name = 'ProcessAlreadySupervised';
  readonly code = 'RUNTIME.PROCESS_ALREADY_SUPERVISED';
  constructor(name: string) {
    super(`${name} is already supervised and not stopped; use startAgain() or stop() it first`);
  }
}

export class ProcessStartFailed extends Error {
  override readonly name = 'ProcessStartFailed';
  readonly code = 'RUNTIME.PROCESS_START_FAILED';
}

export class ProcessNotReady extends Error {
  override readonly name = 'ProcessNotReady';
  readonly code = 'RUNTIME.PROCESS_NOT_READY';
}

export class SupervisorClosed extends Error {
  override readonly name = 'SupervisorClosed';
  readonly code = 'RUNTIME.SUPERVISOR_CLOSED';
  constructor() {
    super('the supervisor has been shut down');
  }
}
