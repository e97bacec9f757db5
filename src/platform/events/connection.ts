import type { ConnectionOptions } from '@nats-io/transport-node';

/**
 * Client settings of every connection on an order's path (the services' buses, and calibrate's
 * JetStream primitive, so that the ceiling is measured with the same client).
 *
 * noAsyncTraces: by default nats.js allocates an Error (and captures a stack) for every request,
 * JetStream publishes and acks included, only to give a later timeout the caller's stack. That was
 * 2.5 % of a collaboration system's time under load. Timeouts and errors keep their message and code.
 */
export const NATS_CLIENT_OPTIONS = { noAsyncTraces: true } as const satisfies Partial<ConnectionOptions>;
