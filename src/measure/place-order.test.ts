import { describe, expect, it } from 'vitest';
import { acceptedOrderId } from './place-order.ts';

describe('acceptedOrderId', () => {
  it('is the id of a 201 and nothing for any other answer', () => {
    expect(acceptedOrderId({ status: 201, data: { id: 'o-1', status: 'pending' } })).toBe('o-1');
    expect(acceptedOrderId({ status: 200, data: { id: 'o-1' } })).toBeUndefined();
    expect(acceptedOrderId({ status: 201, data: { id: 7 } })).toBeUndefined();
    expect(acceptedOrderId({ status: 503 })).toBeUndefined();
  });
});
