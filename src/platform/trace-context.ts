import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The trace of the work in progress (an HTTP request or a consumed event), so that code deep in a
 * use case — an outbox append, an outgoing call — continues it without threading it through every signature.
 */
export const traceContext = new AsyncLocalStorage<{ readonly traceparent: string }>();

export const currentTraceparent = (): string | undefined => traceContext.getStore()?.traceparent;
