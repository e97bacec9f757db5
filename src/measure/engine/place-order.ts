import type { PlannedOrder } from '../../scenarios/load.ts';
import { createJsonClient, type JsonClient } from './http-client.ts';
import type { LoadResponse } from './tally.ts';

/** the kind of an answer that shed the order */
export const SHED = 'shed';
/** the kind of an answer that refused the order by a request limit (429; docs/limits.md) */
export const LIMITED = 'limited';

/**
 * The client a load sends its orders through: a connection per request in flight, 256 at the most,
 * the same pool in every load (bench, soak, the fault runs) so their figures compare.
 */
export function orderClient(baseUrl: string, maxInflight: number): JsonClient {
  return createJsonClient({ baseUrl, connections: Math.min(maxInflight, 256) });
}

/**
 * POSTs one planned order as its user. A 503 with Retry-After is the system shedding load, refused
 * before any work: its kind is SHED, apart from a 503 for a needed service that is down.
 */
export async function placeOrder(client: JsonClient, tokens: readonly string[], order: PlannedOrder, signal?: AbortSignal): Promise<LoadResponse> {
  const res = await client.request({
    method: 'POST',
    path: '/orders',
    headers: { authorization: `Bearer ${tokens[order.user]}` },
    body: { amount: order.amount },
    signal,
  });
  const shed = res.status === 503 && res.headers['retry-after'] !== undefined;
  // Refused before any work, as a shed order is, but by a limit on this client or user, not by load.
  const limited = res.status === 429;
  return { status: res.status, data: res.data, ...(shed ? { kind: SHED } : limited ? { kind: LIMITED } : {}) };
}

/** The id of the order a 201 created; undefined for any other answer. */
export function acceptedOrderId(res: { readonly status: number; readonly data?: unknown }): string | undefined {
  const id = (res.data as { id?: unknown } | undefined)?.id;
  return res.status === 201 && typeof id === 'string' ? id : undefined;
}
