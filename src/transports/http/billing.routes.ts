import { declinePayment, deposit, getAccount, getLedger, getPayment, openAccount, pay, type BillingDeps } from '../../services/billing/index.ts';
import type { ServiceApp } from '../../platform/http/app.ts';
import type { Guards } from './guards.ts';
import { Account, Deposit, IdempotencyHeaders, Ledger, OpenAccount, OrderIdParams, Payment, PaymentRequest, UserIdParams, problems, bearer, tooLarge } from './schemas.ts';
import { answer } from './answer.ts';

export interface BillingRoutesOptions {
  readonly deps: BillingDeps;
  readonly guards: Guards;
}


export function billingRoutes(app: ServiceApp, { deps, guards }: BillingRoutesOptions): void {
  app.get(
    '/billing/account',
    { onRequest: guards.user, schema: { tags: ['billing'], security: bearer, response: { 200: Account, ...problems } } },
    async (request, reply) => {
      const result = await getAccount(deps, request.principal);
      return answer(reply, result);
    },
  );

  app.post(
    '/billing/account/deposits',
    {
      onRequest: guards.user,
      schema: { tags: ['billing'], security: bearer, headers: IdempotencyHeaders, body: Deposit, response: { 201: Account, ...tooLarge, ...problems } },
    },
    async (request, reply) => {
      const result = await deposit(deps, {
        userId: request.principal,
        amount: request.body.amount,
        idempotencyKey: request.headers['idempotency-key'],
      });
      return answer(reply, result, 201);
    },
  );

  app.post(
    '/internal/accounts',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, body: OpenAccount, response: { 201: Account, ...problems } } },
    async (request, reply) => reply.code(201).send(await openAccount(deps, request.body.userId)),
  );

  app.post(
    '/internal/payments',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, body: PaymentRequest, response: { 200: Payment, ...problems } } },
    async (request, reply) => {
      const result = await pay(deps, request.body);
      return answer(reply, result);
    },
  );

  app.post(
    '/internal/payments/declined',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, description: 'refuse the order’s payment without moving money, unless it was decided already; answers the decision', body: PaymentRequest, response: { 200: Payment, ...problems } } },
    async (request, reply) => {
      const result = await declinePayment(deps, request.body);
      return answer(reply, result);
    },
  );

  app.get(
    '/internal/payments/:orderId',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, params: OrderIdParams, response: { 200: Payment, ...problems } } },
    async (request, reply) => {
      const result = await getPayment(deps, request.params.orderId);
      return answer(reply, result);
    },
  );

  app.get(
    '/internal/accounts/:userId/ledger',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, params: UserIdParams, response: { 200: Ledger, ...problems } } },
    async (request, reply) => {
      const result = await getLedger(deps, request.params.userId);
      return answer(reply, result);
    },
  );
}
