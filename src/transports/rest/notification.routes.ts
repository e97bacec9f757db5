import { listNotifications, notifyOrderOutcome, type NotificationDeps } from '../../services/notification/index.ts';
import type { ServiceApp } from '../../platform/http/app.ts';
import { domainProblem } from '../../platform/http/errors.ts';
import { sendProblem } from '../../platform/http/problem.ts';
import type { Guards } from './guards.ts';
import { Notification, OrderOutcome, problems, bearer } from './schemas.ts';

export interface NotificationRoutesOptions {
  readonly deps: NotificationDeps;
  readonly guards: Guards;
}

export function notificationRoutes(app: ServiceApp, { deps, guards }: NotificationRoutesOptions): void {
  app.get(
    '/notifications',
    {
      onRequest: guards.user,
      schema: { tags: ['notifications'], security: bearer, response: { 200: { type: 'array', items: Notification }, ...problems } },
    },
    async (request) => listNotifications(deps, request.principal),
  );

  app.post(
    '/internal/notifications',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, body: OrderOutcome, response: { 201: Notification, ...problems } } },
    async (request, reply) => {
      const result = await notifyOrderOutcome(deps, request.body, request);
      return result.ok ? reply.code(201).send(result.value) : sendProblem(reply, domainProblem(result.error));
    },
  );
}
