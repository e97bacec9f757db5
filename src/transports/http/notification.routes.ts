import { listNotifications, notifyOrderOutcome, type NotificationDeps } from '../../services/notification/index.ts';
import type { ServiceApp } from '../../platform/http/app.ts';
import { domainProblem } from './domain-problem.ts';
import { sendProblem } from '../../platform/http/problem.ts';
import type { Guards } from './guards.ts';
import { PageQuery, pageRequest, pageResponse, sendPage } from './paging.ts';
import { Notification, OrderOutcome, problems, bearer } from './schemas.ts';
import { answer } from './answer.ts';

export interface NotificationRoutesOptions {
  readonly deps: NotificationDeps;
  readonly guards: Guards;
}

export function notificationRoutes(app: ServiceApp, { deps, guards }: NotificationRoutesOptions): void {
  app.get(
    '/notifications',
    {
      onRequest: guards.user,
      schema: { tags: ['notifications'], security: bearer, querystring: PageQuery, response: { 200: pageResponse(Notification), ...problems } },
    },
    async (request, reply) => {
      const page = await listNotifications(deps, request.principal, pageRequest(request.query));
      return page.ok ? sendPage(reply, '/notifications', request.query, page.value) : sendProblem(reply, domainProblem(page.error));
    },
  );

  app.post(
    '/internal/notifications',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, body: OrderOutcome, response: { 201: Notification, ...problems } } },
    async (request, reply) => {
      const result = await notifyOrderOutcome(deps, request.body, request);
      return answer(reply, result, 201);
    },
  );
}
