import { Type, type Static, type TUnsafe } from '@sinclair/typebox';
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
  { additionalProperties: true, description: 'RFC 9457 problem details' },
);
const problemResponse = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: Problem } },
} as const;
/** error answers, documented once for every route */
export const problems = { '4xx': problemResponse, '5xx': problemResponse } as const;

/** the 429 of a route with a limit (docs/limits.md), with the Retry-After that says when to come back */
export const limited = (what: string) =>
  ({
    429: {
      description: `Too many requests (${what}); problem type /problems/too-many-requests, retry after Retry-After seconds`,
      headers: { 'retry-after': { type: 'integer', minimum: 1, description: 'seconds to wait before trying again' } },
      content: { 'application/problem+json': { schema: Problem } },
    },
  }) as const;

/** the 413 of a route that takes a body: at most 64 KiB (platform/http/app.ts BODY_LIMIT) */
export const tooLarge = {
  413: { description: 'The body is over 64 KiB; problem type /problems/payload-too-large', content: { 'application/problem+json': { schema: Problem } } },
} as const;

/** public routes take a user's token; internal routes a service token (audience interplay-internal) */
export const bearer = [{ bearer: [] }];

/** A string enum as one `{type: string, enum}`, which client generators read better than anyOf of consts. */
export function StringEnum<const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
}

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

export const Account = Type.Object(
  { userId: Id, balance: Type.Integer({ minimum: 0, description: 'minor units' }), currency: Type.String() },
  { additionalProperties: false },
);
export const Deposit = Type.Object({ amount: Amount }, { additionalProperties: false });
export const OpenAccount = Type.Object({ userId: Id }, { additionalProperties: false });
export const PaymentRequest = Type.Object({ orderId: Id, userId: Id, amount: Amount }, { additionalProperties: false });
export const Payment = Type.Object({
  orderId: Id,
  userId: Id,
  amount: Amount,
  status: StringEnum(['paid', 'rejected'] as const),
  balanceAfter: Type.Integer({ minimum: 0 }),
  createdAt: Timestamp,
});
/** an account's movements, for an operator's check that money was neither made nor lost */
export const Ledger = Type.Object({
  userId: Id,
  deposits: Type.Array(
    Type.Object({ id: Id, amount: Amount, idempotencyKey: Type.Union([Type.String(), Type.Null()]), createdAt: Timestamp }),
  ),
  payments: Type.Array(Payment),
});
export const UserIdParams = Type.Object({ userId: Id });

export const OrderLine = Type.Object(
  { sku: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Integer({ minimum: 1, maximum: 1000 }) },
  { additionalProperties: false },
);
export const OrderRequest = Type.Object(
  { amount: Amount, items: Type.Optional(Type.Array(OrderLine, { maxItems: 100 })) },
  { additionalProperties: false },
);
export const OrderStatus = StringEnum(['pending', 'paid', 'rejected'] as const);
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

/** which order each of a user's Idempotency-Keys stands for */
export const IdempotencyKeys = Type.Array(Type.Object({ idempotencyKey: Type.String(), orderId: Id }));

export const OrderOutcome = Type.Object(
  { orderId: Id, userId: Id, amount: Amount, status: OrderStatus },
  { additionalProperties: false },
);
export const Notification = Type.Object({
  id: Id,
  orderId: Id,
  type: StringEnum(['order.paid', 'order.rejected'] as const),
  message: Type.String(),
  createdAt: Timestamp,
});

export const IdParams = Type.Object({ id: Id });
export const OrderIdParams = Type.Object({ orderId: Id });

export const Jwks = Type.Object({ keys: Type.Array(Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String(), kid: Type.String(), alg: Type.String(), use: Type.String() })) });
