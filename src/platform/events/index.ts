export { EnvelopeOf, EventEnvelope, envelopeCheck, newEnvelope, decodeEnvelope } from './envelope.ts';
export { createEventTables, appendToOutbox, claimInbox, outboxRow } from './tables.ts';
export { startOutboxRelay, OUTBOX_LEASE_MS, REPUBLISH_BEFORE_ELECTION_MS, REPUBLISH_BEFORE_LOSS_MS } from './relay.ts';
export { streamsFor, eventRetention, ensureStream, ensureConsumer, InvalidConsumerDefinition } from './streams.ts';
export { streamTrimmer, trimAcknowledged, TRIM_AFTER_MS } from './stream-trim.ts';
export {
  startConsumer,
  deadLetterSubjectFor,
  DEAD_REASON_HEADER,
  ORIGINAL_SUBJECT_HEADER,
} from './consumer.ts';
export {
  newTraceparent,
  childTraceparent,
  parseTraceparent,
  isTraceparent,
  formatTraceparent,
  traceparentOf,
} from './trace.ts';
export { toNatsHeaders, fromNatsHeaders } from './nats-headers.ts';
export { silentLog } from './log.ts';

// EventEnvelope is both the schema (value) and the envelope type.
export type { NewEnvelopeOptions, DecodeResult, EnvelopeOfStatic } from './envelope.ts';
export type { OutboxTable, InboxTable, EventTables, OutboxEntry, OutboxRowClaim } from './tables.ts';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayStats, SubjectTraffic } from './relay.ts';
export type { StreamDefinition, ConsumerDefinition } from './streams.ts';
export type { StreamTrimmer, TrimResult } from './stream-trim.ts';
export type {
  HandlerOutcome,
  DeliveryContext,
  EventHandler,
  ConsumerOptions,
  ConsumerStats,
  RunningConsumer,
} from './consumer.ts';
export type { Traceparent } from './trace.ts';
export type { EventLog } from './log.ts';
