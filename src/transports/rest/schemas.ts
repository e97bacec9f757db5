import { Type, type Static } from '@sinclair/typebox';
import { MAX_AMOUNT } from '../../services/kernel/index.ts';

/** Money: a positive integer of minor units; no floats, no strings, no coercion. */
export const Amount = Type.Integer({ minimum: 1, maximum: MAX_AMOUNT, description: 'minor units (kopecks)' });
export const Id = Type.String({ minLength: 1, maxLength: 64 });
const Timestamp = Type.String({ format: 'date-time' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
  },
  { additionalProperties: true, $id: undefined, description: 'RFC 9457 problem details' },
);
/** error answers, documented once for every route */
export const problems = { '4xx': Problem, '5xx': Problem } as const;

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$', description: 'IETF Idempotency-Key' }),
  ),
});

export const Registration = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    password: Type.String({ minLength: 8, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  },
  { additionalProperties: false },
);
export const Credentials = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export const User = Type.Object({ id: Id, email: Type.String(), name: Type.String() }, { additionalProperties: false });
export type UserBody = Static<typeof User>;
export const AccessToken = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds' }),
});

export const Account = Type.Object({ userId: Id, balance: Type.Integer({ minimum: 0 }), currency: Type.String() });
export const Deposit = Type.Object({ amount: Amount }, { additionalProperties: false });
export const OpenAccount = Type.Object({ userId: Id }, { additionalProperties: false });
export const PaymentRequest = Type.Object({ orderId: Id, userId: Id, amount: Amount }, { additionalProperties: false });
export const Payment = Type.Object({
  orderId: Id,
  userId: Id,
  amount: Amount,
  status: Type.Union([Type.Literal('paid'), Type.Literal('rejected')]),
  balanceAfter: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
});
export type PaymentBody = Static<typeof Payment>;

export const OrderLine = Type.Object(
  { sku: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Integer({ minimum: 1, maximum: 1000 }) },
  { additionalProperties: false },
);
export const OrderRequest = Type.Object(
  { amount: Amount, items: Type.Optional(Type.Array(OrderLine, { maxItems: 100 })) },
  { additionalProperties: false },
);
export const OrderStatus = Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('rejected')]);
export const Order = Type.Object({
  id: Id,
  userId: Id,
  amount: Amount,
  items: Type.Optional(Type.Array(OrderLine)),
  status: OrderStatus,
  createdAt: Timestamp,
});
/** the internal view adds the version that thin events refer to */
export const InternalOrder = Type.Composite([Order, Type.Object({ version: Type.Integer({ minimum: 1 }) })]);
export type InternalOrderBody = Static<typeof InternalOrder>;

export const OrderOutcome = Type.Object(
  { orderId: Id, userId: Id, amount: Amount, status: OrderStatus },
  { additionalProperties: false },
);
export const Notification = Type.Object({
  id: Id,
  orderId: Id,
  type: Type.Union([Type.Literal('order.paid'), Type.Literal('order.rejected')]),
  message: Type.String(),
  createdAt: Timestamp,
});
export type NotificationBody = Static<typeof Notification>;

export const IdParams = Type.Object({ id: Id });
export const OrderIdParams = Type.Object({ orderId: Id });
