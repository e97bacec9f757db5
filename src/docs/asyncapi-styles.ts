/**
 * What the AsyncAPI documents describe, per event style: its subjects, encoders and envelope schemas,
 * the durable consumers its wiring subscribes, and one example of every domain event to run through
 * the encoders. asyncapi.ts renders them as documents.
 */
import type { TSchema } from '@sinclair/typebox';
import type { AuthEvent, User } from '../services/auth/index.ts';
import type { BillingEvent, Payment } from '../services/billing/index.ts';
import type { Order, OrderEvent } from '../services/order/index.ts';
import { EnvelopeOf } from '../platform/events/index.ts';
import * as collaboration from '../transports/collaboration/events.ts';
import type { OutgoingMessage, Source } from '../transports/events/bus.ts';
import * as notification from '../transports/notification/events.ts';
import type { ServiceName } from '../model/style.ts';

export const EVENT_STYLES = ['notification', 'collaboration'] as const;
export type EventStyle = (typeof EVENT_STYLES)[number];

export type Producer = Exclude<ServiceName, 'notification'>;
/** bus.ts: one stream per source service */
export const STREAM_OF: Record<Producer, Source> = { auth: 'AUTH', order: 'ORDERS', billing: 'BILLING' };

interface Encoders {
  readonly encodeAuth: (e: AuthEvent) => OutgoingMessage;
  readonly encodeBilling: (e: BillingEvent) => OutgoingMessage;
  readonly encodeOrder: (e: OrderEvent) => OutgoingMessage;
}

/** A durable consumer as the style's wiring.ts subscribes it. Keep in step with wiring.ts; test/asyncapi.test.ts compares them with a running system. */
export interface ConsumerDoc<C extends string, N extends string> {
  readonly service: ServiceName;
  readonly durable: string;
  readonly channel: C;
  /** key of the style's `Needs`, when the consumer checks only some fields */
  readonly needs?: N;
  /** what it does with the event */
  readonly then: string;
}

export interface StyleDoc {
  readonly name: string;
  readonly description: string;
  readonly subjects: Readonly<Record<string, string>>;
  readonly encoders: Encoders;
  /** the envelope schema documented for a channel, under a component name */
  readonly payload: (channel: string) => { readonly name: string; readonly schema: TSchema };
  readonly needs: Readonly<Record<string, TSchema>>;
  readonly consumers: readonly ConsumerDoc<string, string>[];
}

export const STYLES: Record<EventStyle, StyleDoc> = {
  notification: {
    name: 'event notification',
    description:
      'Thin events on NATS JetStream: each says which object changed and its version (`data: { id, version }`). ' +
      'A consumer that needs more reads the current state back from the producing service over REST.',
    subjects: notification.SUBJECTS,
    encoders: notification,
    payload: () => ({ name: 'ThinEnvelope', schema: notification.ThinEnvelope }),
    needs: {},
    consumers: [
      { service: 'billing', durable: 'billing-user-registered', channel: 'userRegistered', then: 'opens the account (no read-back)' },
      { service: 'billing', durable: 'billing-order-created', channel: 'orderCreated', then: 'reads the order back from the order service and pays it' },
      { service: 'order', durable: 'order-payment-changed', channel: 'paymentChanged', then: 'reads the payment back from billing and settles the order' },
      { service: 'notification', durable: 'notification-order-changed', channel: 'orderChanged',
        then: 'reads the order back from the order service and the user from auth, and notifies the user' },
    ] satisfies readonly ConsumerDoc<keyof typeof notification.SUBJECTS, never>[],
  },
  collaboration: {
    name: 'event collaboration',
    description:
      'Fat events on NATS JetStream: each carries the full current state of what changed. ' +
      'Consumers keep what they need locally and call no other service; each checks only the fields it reads (`Needs`).',
    subjects: collaboration.SUBJECTS,
    encoders: collaboration,
    payload: (channel) => ({
      name: `${capitalized(channel)}Envelope`,
      schema: EnvelopeOf(collaboration.Published[channel as keyof typeof collaboration.Published]),
    }),
    needs: collaboration.Needs,
    consumers: [
      { service: 'billing', durable: 'billing-user-registered', channel: 'userRegistered', needs: 'account', then: 'opens the account' },
      { service: 'notification', durable: 'notification-user-registered', channel: 'userRegistered', needs: 'contact', then: 'remembers the contact' },
      { service: 'billing', durable: 'billing-order-created', channel: 'orderCreated', needs: 'orderToPay', then: 'pays the order' },
      { service: 'order', durable: 'order-payment-completed', channel: 'paymentCompleted', needs: 'paymentOutcome', then: 'settles the order' },
      { service: 'notification', durable: 'notification-order-finished', channel: 'orderFinished', needs: 'finishedOrder', then: 'notifies the user' },
    ] satisfies readonly ConsumerDoc<keyof typeof collaboration.SUBJECTS, keyof typeof collaboration.Needs>[],
  },
};

/** One of every domain event; a new variant fails to compile here until it has an example. */
type ByType<E extends { readonly type: string }> = { readonly [T in E['type']]: Extract<E, { type: T }> };
const user: User = { id: '01900000-0000-7000-8000-00000000a001', email: 'ada@example.com', name: 'Ada' };
const order: Order = {
  id: '01900000-0000-7000-8000-00000000b001', userId: user.id, amount: 2500, items: [{ sku: 'book-42', quantity: 1 }],
  status: 'pending', version: 1, createdAt: '2024-06-01T12:00:00.000Z',
};
const payment: Payment = {
  orderId: order.id, userId: user.id, amount: order.amount, status: 'paid', balanceAfter: 7500, createdAt: '2024-06-01T12:00:01.000Z',
};
const DOMAIN_EVENTS: { auth: ByType<AuthEvent>; order: ByType<OrderEvent>; billing: ByType<BillingEvent> } = {
  auth: { 'user.registered': { type: 'user.registered', user } },
  order: {
    'order.created': { type: 'order.created', order },
    'order.finished': { type: 'order.finished', order: { ...order, status: 'paid', version: 2 } },
  },
  billing: { 'payment.completed': { type: 'payment.completed', payment } },
};
export const EXAMPLE_ENVELOPE = {
  id: '01900000-0000-7000-8000-00000000e001',
  occurredAt: new Date('2024-06-01T12:00:02.000Z'),
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};

/** What each producer puts on the wire, by running the style's own encoders. */
export function wireMessages(enc: Encoders): { readonly producer: Producer; readonly message: OutgoingMessage }[] {
  return [
    ...Object.values(DOMAIN_EVENTS.auth).map((e) => ({ producer: 'auth' as const, message: enc.encodeAuth(e) })),
    ...Object.values(DOMAIN_EVENTS.order).map((e) => ({ producer: 'order' as const, message: enc.encodeOrder(e) })),
    ...Object.values(DOMAIN_EVENTS.billing).map((e) => ({ producer: 'billing' as const, message: enc.encodeBilling(e) })),
  ];
}

export const capitalized = (s: string) => `${s.charAt(0).toUpperCase()}${s.slice(1)}`;
