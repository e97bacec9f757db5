/** A problem with what the user asked for or has installed: one line on stderr, exit code 2. */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/** the run itself failed: a scenario step, a gate */
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Failures a user can fix (no nats-server, a port in use) become one line and exit code 2. */
export function asUsageError(error: unknown): unknown {
  const known = (error as { code?: string } | undefined)?.code;
  if (known === 'RUNTIME.NATS_SERVER_NOT_FOUND' || known === 'RUNTIME.POSTGRES_NOT_FOUND') {
    return new UsageError((error as Error).message, { cause: error });
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') return new UsageError(`the port is already in use: ${(error as Error).message}`, { cause: error });
  if (code === 'EACCES') return new UsageError(`not allowed to listen there: ${(error as Error).message}`, { cause: error });
  return error;
}
