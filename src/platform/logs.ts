import pino from 'pino';

/**
 * Where the services' own logs go: stderr (fd 2), always. stdout belongs to what a script reads
 * from `interplay up`: the ready line and the delivered notifications.
 * Synchronous, because logs are rare at the default level (warn) and the last error before an
 * exit must not be lost in a buffer.
 */
export const logDestination = (): pino.DestinationStream => pino.destination({ dest: 2, sync: true });
