import { describe, expect, it } from 'vitest';
import type { JsonClient } from './http-client.ts';
import { LIMITED, SHED, acceptedOrderId, placeOrder } from './place-order.ts';

describe('acceptedOrderId', () => {
  it('is the id of a 201 and nothing for any other answer', () => {
    expect(acceptedOrderId({ status: 201, data: { id: 'o-1', status: 'pending' } })).toBe('o-1');
    expect(acceptedOrderId({ status: 200, data: { id: 'o-1' } })).toBeUndefined();
    expect(acceptedOrderId({ status: 201, data: { id: 7 } })).toBeUndefined();
    expect(acceptedOrderId({ status: 503 })).toBeUndefined();
  });
});

describe('placeOrder', () => {
  /** A client that answers every request with `status` and `headers`. */
  const answering = (status: number, headers: Record<string, string> = {}): JsonClient => ({
    request: async () => ({ status, headers, data: { type: 'x' } }) as Awaited<ReturnType<JsonClient['request']>>,
    close: async () => {},
  });
  const order = { user: 0, amount: 100, affordable: true };

  it('placeOrder - a 429 is refused by a limit: kind LIMITED, counted apart from failures and from shed orders', async () => {
    expect(await placeOrder(answering(429, { 'retry-after': '60' }), ['t'], order)).toMatchObject({ status: 429, kind: LIMITED });
    expect(await placeOrder(answering(503, { 'retry-after': '1' }), ['t'], order)).toMatchObject({ status: 503, kind: SHED });
    expect((await placeOrder(answering(503), ['t'], order)).kind).toBeUndefined();
    expect((await placeOrder(answering(500), ['t'], order)).kind).toBeUndefined();
  });
});
