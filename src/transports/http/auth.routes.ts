import type { JWK } from 'jose';
import { ADDRESS_BLOCKED_HEADER } from '../../platform/http/blocked-addresses.ts';
import { TooManyAttempts, getUser, login, register, removeUser, type AuthDeps, type User as DomainUser } from '../../services/auth/index.ts';
import type { ServiceApp } from '../../platform/http/app.ts';
import { domainProblem } from './domain-problem.ts';
import { sendProblem } from '../../platform/http/problem.ts';
import type { CallContext, Guards } from './guards.ts';
import { registrationLimits, type RequestLimits } from './route-limits.ts';
import { AccessToken, Credentials, IdParams, Registration, User, problems, bearer, Jwks, limited, tooLarge } from './schemas.ts';
import { answer } from './answer.ts';

export interface AuthRoutesOptions {
  readonly deps: AuthDeps;
  readonly guards: Guards;
  readonly publicJwk: JWK;
  /** what registration sets off in this style; when it throws, the registration is undone */
  readonly onRegistered: (user: DomainUser, ctx: CallContext) => Promise<void>;
  /** registration per client address; default none (logins are limited by `deps.loginLimits`) */
  readonly limits?: RequestLimits;
}

export function authRoutes(app: ServiceApp, opts: AuthRoutesOptions): void {
  const { deps, guards } = opts;
  const registerLimits = registrationLimits(app, opts.limits);

  app.post(
    '/auth/register',
    {
      onRequest: registerLimits.onRequest,
      schema: { tags: ['auth'], body: Registration, response: { 201: User, ...tooLarge, ...limited('per client address'), ...problems } },
    },
    async (request, reply) => {
      const result = await register(deps, request.body);
      if (!result.ok) return sendProblem(reply, domainProblem(result.error));
      try {
        await opts.onRegistered(result.value, request);
      } catch (error) {
        await removeUser(deps, result.value.id);
        throw error;
      }
      return reply.code(201).send(result.value);
    },
  );

  app.post(
    '/auth/login',
    {
      schema: {
        tags: ['auth'],
        body: Credentials,
        response: { 200: AccessToken, ...tooLarge, ...limited('failed logins per account and per client address'), ...problems },
      },
    },
    async (request, reply) => {
      const result = await login(deps, request.body, { address: request.ip });
      // The gateway refuses the rest of a blocked address's flood itself (docs/limits.md).
      const blocked = !result.ok && result.error instanceof TooManyAttempts ? result.error.addressBlockedMs : undefined;
      if (blocked !== undefined) reply.header(ADDRESS_BLOCKED_HEADER, String(Math.floor(blocked)));
      return answer(reply, result);
    },
  );

  app.get(
    '/auth/me',
    { onRequest: guards.user, schema: { tags: ['auth'], security: bearer, response: { 200: User, ...problems } } },
    async (request, reply) => {
      const result = await getUser(deps, request.principal);
      return answer(reply, result);
    },
  );

  app.get(
    '/auth/.well-known/jwks.json',
    { schema: { tags: ['auth'], description: 'the public key that verifies access tokens', response: { 200: Jwks } } },
    async () => ({ keys: [opts.publicJwk] }) as never,
  );

  app.get(
    '/internal/users/:id',
    { onRequest: guards.service, schema: { tags: ['internal'], security: bearer, params: IdParams, response: { 200: User, ...problems } } },
    async (request, reply) => {
      const result = await getUser(deps, request.params.id);
      return answer(reply, result);
    },
  );
}
