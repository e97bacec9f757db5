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

/**
 * A broker's seed URLs: NATS_URL and --nats take a comma-separated list, the way nats CLI tools do.
 * The client tries them in turn and learns the rest of a cluster from the server it reaches.
 */
export const natsServers = (url: string): string[] =>
  url
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');

/**
 * How a service's connection rides out a broker restart or a lost cluster node: it never gives up
 * (by default the client stops after 10 attempts 2 s apart, and a broker down longer would leave the
 * service deaf for good), and tries every 250 ms, which costs nothing while the broker is down and
 * finds it, or another node of a cluster, soon after.
 */
export const NATS_RECONNECT_OPTIONS = { maxReconnectAttempts: -1, reconnectTimeWait: 250 } as const satisfies Partial<ConnectionOptions>;
