import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { AuthEvent } from '../../services/auth/index.ts';
import type { BillingEvent } from '../../services/billing/index.ts';
import type { OrderEvent } from '../../services/order/index.ts';
import { EnvelopeOf } from '../../platform/events/index.ts';
import type { OutgoingMessage } from '../events/bus.ts';
import { Order, Payment, User } from '../http/schemas.ts';

/** Subjects of the event-collaboration style (without the run's namespace). */
export const SUBJECTS = {
  userRegistered: 'auth.user.registered',
  orderCreated: 'orders.order.created',
  orderFinished: 'orders.order.finished',
  paymentCompleted: 'billing.payment.completed',
} as const;

/** Durable consumer names: each consuming service's inbox records events under its consumer's name. */
export const CONSUMERS = {
  billingUserRegistered: 'billing-user-registered',
  billingOrderCreated: 'billing-order-created',
  orderPaymentCompleted: 'order-payment-completed',
  notificationUserRegistered: 'notification-user-registered',
  notificationOrderFinished: 'notification-order-finished',
} as const;

/** What producers publish: the full current state of what changed. */
export const FatOrder = Type.Composite([Order, Type.Object({ version: Type.Integer({ minimum: 1 }) })]);
export const Published = {
  userRegistered: Type.Object({ user: User }),
  orderCreated: Type.Object({ order: FatOrder }),
  orderFinished: Type.Object({ order: FatOrder }),
  paymentCompleted: Type.Object({ payment: Payment }),
} as const;

/**
 * What each consumer reads: only the fields it needs. Other fields may come and go without
 * breaking it; a missing needed field sends the event to the dead letters.
 */
const Id = Type.String({ minLength: 1, maxLength: 64 });
const Amount = Type.Integer({ minimum: 1 });
export const Needs = {
  contact: Type.Object({ user: Type.Object({ id: Id, email: Type.String(), name: Type.String() }) }),
  account: Type.Object({ user: Type.Object({ id: Id }) }),
  orderToPay: Type.Object({ order: Type.Object({ id: Id, userId: Id, amount: Amount }) }),
  paymentOutcome: Type.Object({
    payment: Type.Object({ orderId: Id, status: Type.Union([Type.Literal('paid'), Type.Literal('rejected')]) }),
  }),
  finishedOrder: Type.Object({
    order: Type.Object({ id: Id, userId: Id, amount: Amount, status: Type.Union([Type.Literal('paid'), Type.Literal('rejected')]) }),
  }),
} as const;
export type Needs = { [K in keyof typeof Needs]: Static<(typeof Needs)[K]> };
export const checks = {
  contact: TypeCompiler.Compile(EnvelopeOf(Needs.contact)),
  account: TypeCompiler.Compile(EnvelopeOf(Needs.account)),
  orderToPay: TypeCompiler.Compile(EnvelopeOf(Needs.orderToPay)),
  paymentOutcome: TypeCompiler.Compile(EnvelopeOf(Needs.paymentOutcome)),
  finishedOrder: TypeCompiler.Compile(EnvelopeOf(Needs.finishedOrder)),
};

export const encodeAuth = (e: AuthEvent): OutgoingMessage => ({
  subject: SUBJECTS.userRegistered,
  type: 'user.registered',
  data: { user: e.user },
});

export const encodeBilling = (e: BillingEvent): OutgoingMessage => ({
  subject: SUBJECTS.paymentCompleted,
  type: 'payment.completed',
  data: { payment: e.payment },
});

export function encodeOrder(e: OrderEvent): OutgoingMessage {
  switch (e.type) {
    case 'order.created':
      return { subject: SUBJECTS.orderCreated, type: 'order.created', data: { order: e.order } };
    case 'order.finished':
      return { subject: SUBJECTS.orderFinished, type: 'order.finished', data: { order: e.order } };
  }
}
