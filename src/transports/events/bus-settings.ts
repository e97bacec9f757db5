// The event bus's settings for consumers, pulls and the relay, each with its reason (bus.ts applies them).

/**
 * Consumer settings, each with its reason:
 * - maxAckPending bounds what one consumer holds unacknowledged, and so its memory and redelivery storm;
 * - the first backoff step is also the ack wait (JetStream uses backoff[0] for it). It is how long the
 *   events a crashed process had pulled wait before another process gets them, so it is short: 2 s, far
 *   above a handler's normal time, and a slower handler still running has its ack wait renewed by the
 *   consumer's heartbeat, so it is not redelivered meanwhile;
 * - the later steps space the retries of an event whose handler failed (a dependency that is down holds
 *   the event instead, see the consumer's `unavailable`): doubling, capped at 15 s, about what a person
 *   waiting for a notification accepts before it is late rather than slow;
 * - maxDeliver 6: after five retries over about 45 s an event is a poison message, not a race.
 */
export const CONSUMER_LIMITS = { maxAckPending: 1024, ackWaitMs: 2_000, backoffMs: [2_000, 4_000, 8_000, 15_000], maxDeliver: 6 };
/** handlers of one consumer running at once; events of different orders are independent */
export const CONSUMER_CONCURRENCY = 16;
/**
 * ms a pull request lives on one nats-server. Each consumer pulls once per expiry and gets an idle
 * heartbeat at half of it, so at rest this is what its pulls cost: at 2 s, four or five consumers made
 * about 7 messages a second each way, 1–1.5 ms/s of the system's CPU and 1.4 ms/s of nats-server's, the
 * most of what was left at rest; at 30 s nats-server spends 0.7 ms/s instead of 2.0–2.3 and the system
 * stays under 5 ms/s (docs/benchmarks.md, "At rest"). Recovery does not depend on it: after a broker
 * restart the client reconnects within 250 ms (NATS_RECONNECT_OPTIONS) and the consumer drops its pull
 * and looks the consumer up at once, pulling again within 1 s of JetStream being ready (startConsumer's
 * `connection`), where the client alone would ask again only after 15 to 45 s. The client's default.
 */
export const PULL_EXPIRES_MS = 30_000;
/**
 * ms a pull request lives on a cluster. A pull waits on the consumer's leader; when that node is lost
 * the pull is lost with it while the connection, to another node, stays up, and the client notices only
 * by two missed idle heartbeats (half this each), then pulls from the new leader. 2 s bounds that to
 * a few seconds instead of 30, for one small request per consumer every 2 s while idle.
 */
export const CLUSTER_PULL_EXPIRES_MS = 2_000;
/**
 * ms; the relay's poll, a backstop: rows are handed to the relay when their transaction commits, a
 * restarted relay claims at its start what its crash left, and a failed publish is retried on its
 * own backoff. What is left is a replica's rows that no handover announces to the others: released by
 * a replica that stopped, or a dead replica's after its lease (30 s); they wait at most this long
 * more. Each poll is a claim statement, and at rest nothing else wakes the relay.
 */
export const RELAY_POLL_MS = 10_000;
