/**
 * SIGINT or SIGTERM stops everything this command started (private nats-servers, child
 * systems, supervised services, temporary directories), then exits with 128 + the signal's number,
 * as a shell reports a command it interrupted.
 */
export function stopEverythingOnSignal(): void {
  const onSignal = (signal: NodeJS.Signals) => {
    void (async () => {
      const { releaseAll } = await import('../runtime/resources.ts');
      await releaseAll();
      process.exit(signal === 'SIGINT' ? 130 : 143);
    })();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
