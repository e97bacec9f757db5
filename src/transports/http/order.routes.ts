import { createOrder, getOrder, listIdempotencyKeys, listOrders, type Order as DomainOrder, type OrderDeps } from '../../services/order/index.ts';
import type { ServiceApp } from '../../platform/http/app.ts';
import { domainProblem } from './domain-problem.ts';
import { problem, sendProblem } from '../../platform/http/problem.ts';
import type { CallContext, Guards } from './guards.ts';
import { PageQuery, pageRequest, pageResponse, sendPage } from './paging.ts';
import { orderLimits, type RequestLimits } from './route-limits.ts';
import { IdParams, IdempotencyHeaders, IdempotencyKeys, InternalOrder, Order, OrderRequest, UserIdParams, problems, bearer, limited, tooLarge } from './schemas.ts';
import { answer } from './answer.ts';

export interface OrderRoutesOptions {
  readonly deps: OrderDeps;
  readonly guards: Guards;
  /**
   * What placing an order sets off in this style, and the order to answer with: the RESTful style
   * pays and notifies before answering; the event styles answer at once with the pending order.
   */
  readonly settle: (order: DomainOrder, ctx: CallContext) => Promise<DomainOrder>;
  /** placing orders per client address and per user; default none */
  readonly limits?: RequestLimits;
}

export function orderRoutes(app: ServiceApp, { deps, guards, settle, limits }: OrderRoutesOptions): void {
  const placeLimits = orderLimits(app, limits);
  /** orders whose settlement is running in this process: a replay of their key answers 409 */
  const settling = new Set<string>();

  app.post(
    '/orders',
    {
      // The address is counted before the token is checked, the user after it.
      onRequest: [...placeLimits.onRequest, guards.user],
      preHandler: placeLimits.preHandler,
      schema: {
        tags: ['orders'],
        security: bearer,
        headers: IdempotencyHeaders,
        body: OrderRequest,
        response: { 201: Order, ...tooLarge, ...limited('per client address and per user'), ...problems },
      },
    },
    async (request, reply) => {
      const placed = await createOrder(deps, {
        userId: request.principal,
        amount: request.body.amount,
        items: request.body.items,
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (!placed.ok) return sendProblem(reply, domainProblem(placed.error));
      const { order } = placed.value;
      if (settling.has(order.id)) {
        return sendProblem(reply, problem('request-in-flight', `Order ${order.id} is still being placed.`));
      }
      settling.add(order.id);
      try {
        // Every step of settling is idempotent per order, so a replayed key resumes a settlement
        // that stopped half-way (say, paid but not yet notified) and repeats nothing that was done.
        const settled = await settle(order, request);
        return reply.code(201).send(settled);
      } finally {
        settling.delete(order.id);
      }
    },
  );

  app.get(
    '/orders/:id',
    { onRequest: guards.user, schema: { tags: ['orders'], security: bearer, params: IdParams, response: { 200: Order, ...problems } } },
    async (request, reply) => {
      const result = await getOrder(deps, request.params.id, request.principal);
      return answer(reply, result);
    },
  );

  app.get(
    '/orders',
    {
      onRequest: guards.user,
      schema: { tags: ['orders'], security: bearer, querystring: PageQuery, response: { 200: pageResponse(Order), ...problems } },
    },
    async (request, reply) => {
      const page = await listOrders(deps, request.principal, pageRequest(request.query));
      return page.ok ? sendPage(reply, '/orders', request.query, page.value) : sendProblem(reply, domainProblem(page.error));
    },
  );

  app.get(
    '/internal/orders/:id',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, params: IdParams, response: { 200: InternalOrder, ...problems } } },
    async (request, reply) => {
      const result = await getOrder(deps, request.params.id);
      return answer(reply, result);
    },
  );

  app.get(
    '/internal/idempotency-keys/:userId',
    {
      onRequest: guards.service,
      schema: { tags: ['internal'], security: bearer, params: UserIdParams, response: { 200: IdempotencyKeys, ...problems } },
    },
    async (request) => listIdempotencyKeys(deps, request.params.userId),
  );
}
