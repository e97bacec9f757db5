/**
 * The child's side of the supervisor protocol (`supervisor.ts`):
 * - once it serves, the child prints `ready <url>` on stdout (`readyLine`);
 * - it calls `exitWithSupervisor` at start, so it stops when its supervisor is gone.
 */

/** The stdout line that tells the supervisor a child serves at `url`. */
export function readyLine(url: string): string {
  return `ready ${url}`;
}

/** The URL of a ready line, or undefined for any other line. */
export function parseReadyLine(line: string): string | undefined {
  return /^ready (\S+)$/.exec(line)?.[1];
}

export interface SupervisedOptions {
  /**
   * ms the graceful stop may take before the process exits anyway (code 1); default 10000.
   * A child whose supervisor is gone must not live on because its stop hangs: it would hold its
   * port and data directory against the next run. 10 s is twice the 5 s service-to-service
   * timeout, so requests still in flight can finish.
   */
  readonly exitTimeoutMs?: number;
}

/**
 * Ties this process's life to its supervisor's. When the IPC channel to the supervisor closes (the
 * supervisor exited, crashed or was SIGKILLed, which no signal handler could see) it runs `onExit`
 * once and exits: 0 when it resolves, 1 when it throws or takes longer than `exitTimeoutMs`.
 *
 * The channel is unref'd, so it never keeps the event loop alive by itself. Without an IPC channel
 * (started by hand) nothing is watched. Installs no signal handlers: the CLI owns them, and can pass
 * SIGTERM to the returned function, which runs the same once-only graceful exit.
 */
export function exitWithSupervisor(onExit: () => Promise<void>, opts: SupervisedOptions = {}): () => Promise<void> {
  const exitTimeoutMs = opts.exitTimeoutMs ?? 10_000;
  let exiting: Promise<void> | undefined;
  const exit = (): Promise<void> => {
    exiting ??= (async () => {
      setTimeout(() => {
        process.stderr.write(`graceful stop took longer than ${exitTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, exitTimeoutMs).unref();
      let code = 0;
      try {
        await onExit();
      } catch (error) {
        code = 1;
        process.stderr.write(`graceful stop failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      }
      process.exit(code);
    })();
    return exiting;
  };
  const channel = process.channel;
  if (process.send !== undefined && !process.connected) {
    // Spawned with a channel, and the supervisor died before we looked: 'disconnect' has come and
    // gone, and process.channel is already null.
    void exit();
  } else if (channel) {
    process.once('disconnect', () => {
      // Nobody reads our pipes any more: a write fails with EPIPE, which must not crash the graceful stop.
      const ignore = (): void => {};
      process.stdout.on('error', ignore);
      process.stderr.on('error', ignore);
      void exit();
    });
    channel.unref();
  }
  return exit;
}
