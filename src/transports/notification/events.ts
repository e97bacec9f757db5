import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AuthEvent } from '../../services/auth/index.ts';
import type { BillingEvent } from '../../services/billing/index.ts';
import type { OrderEvent } from '../../services/order/index.ts';
import { EnvelopeOf } from '../../platform/events/index.ts';
import type { OutgoingMessage } from '../events/bus.ts';

/** Thin data: which object changed and its version; the consumer reads the state from the source. */
export const ThinData = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'id of the changed object' }),
  version: Type.Integer({ minimum: 1, description: 'the object version this event announces' }),
});
export const ThinEnvelope = EnvelopeOf(ThinData);
export const thinCheck = TypeCompiler.Compile(ThinEnvelope);

/** Subjects of the event-notification style (without the run's namespace). */
export const SUBJECTS = {
  userRegistered: 'auth.user.registered',
  orderCreated: 'orders.order.created',
  orderChanged: 'orders.order.changed',
  paymentChanged: 'billing.payment.changed',
} as const;

/** Durable consumer names: each consuming service's inbox records events under its consumer's name. */
export const CONSUMERS = {
  billingUserRegistered: 'billing-user-registered',
  billingOrderCreated: 'billing-order-created',
  orderPaymentChanged: 'order-payment-changed',
  notificationOrderChanged: 'notification-order-changed',
} as const;

const thin = (subject: string, type: string, id: string, version: number): OutgoingMessage => ({
  subject,
  type,
  data: { id, version },
});

export const encodeAuth = (e: AuthEvent): OutgoingMessage => thin(SUBJECTS.userRegistered, 'user.registered', e.user.id, 1);

/** A payment is decided once and never changes: version 1, keyed by its order. */
export const encodeBilling = (e: BillingEvent): OutgoingMessage =>
  thin(SUBJECTS.paymentChanged, 'payment.changed', e.payment.orderId, 1);

export function encodeOrder(e: OrderEvent): OutgoingMessage {
  switch (e.type) {
    case 'order.created':
      return thin(SUBJECTS.orderCreated, 'order.created', e.order.id, e.order.version);
    case 'order.finished':
      return thin(SUBJECTS.orderChanged, 'order.changed', e.order.id, e.order.version);
  }
}
