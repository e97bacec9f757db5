import { Counter, Registry } from 'prom-client';

/**
 * One registry per service, exposed on that service's /metrics. The bench reads these counters
 * before and after a run; service-to-service requests are what "read load" means.
 */
export interface ServiceMetrics {
  readonly service: string;
  readonly registry: Registry;
  /** requests this service answered, by route template and status */
  readonly serverRequests: Counter<'method' | 'route' | 'status'>;
  /** requests this service sent to another service, by target, route template and outcome */
  readonly clientRequests: Counter<'target' | 'method' | 'route' | 'status'>;
  /** events this service's outbox relay published, and their bytes */
  readonly messagesPublished: Counter<'subject'>;
  readonly messageBytesPublished: Counter<'subject'>;
  /** events this service consumed, by outcome: ack, duplicate, retry, dead */
  readonly messagesConsumed: Counter<'subject' | 'outcome'>;
}

export function serviceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  return {
    service,
    registry,
    serverRequests: counter('interplay_http_server_requests_total', 'HTTP requests answered', ['method', 'route', 'status']),
    clientRequests: counter('interplay_http_client_requests_total', 'HTTP requests sent to other services', [
      'target',
      'method',
      'route',
      'status',
    ]),
    messagesPublished: counter('interplay_messages_published_total', 'Events published', ['subject']),
    messageBytesPublished: counter('interplay_message_bytes_published_total', 'Bytes of events published', ['subject']),
    messagesConsumed: counter('interplay_messages_consumed_total', 'Events consumed, by outcome', ['subject', 'outcome']),
  };
}
