import type { ServiceName, Style } from '../model/style.ts';

/** What a process can be: one of the four services, or the gateway in front of them. */
export const PROCESS_KINDS = ['auth', 'billing', 'order', 'notification', 'gateway'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/**
 * The shortest service credential accepted: HS256 wants a key at least as long as its hash. Here, not
 * in identity.ts, so that `interplay service` checks it without loading jose and the auth service.
 */
export const MIN_SERVICE_SECRET_LENGTH = 32;

/**
 * The peers each service calls in each style. Every service but auth also needs auth, for the
 * JWKS that verifies user tokens; the gateway needs all four.
 */
const CALLS: Record<Style, Record<ServiceName, readonly ServiceName[]>> = {
  rest: { auth: ['billing'], billing: [], order: ['billing', 'notification'], notification: ['auth'] },
  notification: { auth: [], billing: ['order'], order: ['billing'], notification: ['order', 'auth'] },
  collaboration: { auth: [], billing: [], order: [], notification: [] },
};

export function peersOf(kind: ProcessKind, style: Style): readonly ServiceName[] {
  if (kind === 'gateway') return ['auth', 'billing', 'order', 'notification'];
  const needed = new Set<ServiceName>(CALLS[style][kind]);
  if (kind !== 'auth') needed.add('auth');
  return [...needed].sort();
}

/** Services that may run as several replicas: auth keeps one signing key and one user table writer. */
export const REPLICABLE: ReadonlySet<ServiceName> = new Set(['billing', 'order', 'notification']);
