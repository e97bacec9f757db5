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
