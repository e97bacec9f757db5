import type { onRequestHookHandler } from 'fastify';

/** onRequest hooks that admit users (public routes) and services (internal routes). */
export interface Guards {
  readonly user: onRequestHookHandler;
  readonly service: onRequestHookHandler;
}

/** what a follow-up step needs to continue the caller's trace */
export interface CallContext {
  readonly traceparent: string;
}
