/** The slice of a pino logger the event plumbing uses; method syntax so pino's overloads fit. */
export interface EventLog {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLog: EventLog = {
  debug() {},
  warn() {},
  error() {},
};

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
