import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allPages, expectProblem, fieldsOf, startRestSystem, type TestSystem, type TestUser } from './support/system.ts';

describe('HTTP lists: GET /orders and GET /notifications page with a cursor', () => {
  let ts: TestSystem;
  let user: TestUser;
  const placed: string[] = [];

  beforeAll(async () => {
    ts = await startRestSystem();
    user = await ts.aFundedUser(1_000_000);
    // Ten at a time, so many orders share a millisecond and the id has to break the tie.
    for (let batch = 0; batch < 25; batch++) {
      const replies = await Promise.all(
        Array.from({ length: 10 }, () => ts.call<{ id: string }>('POST', '/orders', { token: user.token, json: { amount: 100 } })),
      );
      for (const reply of replies) {
        if (reply.status !== 201) throw new Error(`POST /orders answered ${reply.status}: ${reply.text}`);
        placed.push(reply.body.id);
      }
    }
  }, 60_000);
  afterAll(() => ts?.stop());

  const readAll = <T>(first: string) => allPages<T>(ts, user.token, first);

  it('a user with 250 orders reads them all, each exactly once, newest first, across pages of 100', async () => {
    const pages = await readAll<{ id: string; createdAt: string }>('/orders?limit=100');

    const ids = pages.flat().map((o) => o.id);
    expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(new Set(ids).size).toBe(250);
    expect([...ids].sort()).toEqual([...placed].sort());
    const times = pages.flat().map((o) => o.createdAt);
    expect(times).toEqual([...times].sort().reverse());
  });

  it('the same user reads all 250 notifications across pages of the default size, 20', async () => {
    const pages = await readAll<{ orderId: string }>('/notifications');

    expect(pages).toHaveLength(13);
    expect(pages.slice(0, -1).every((p) => p.length === 20)).toBe(true);
    expect(new Set(pages.flat().map((n) => n.orderId))).toEqual(new Set(placed));
  });

  it('the last page sends no Link', async () => {
    const reply = await ts.call('GET', '/orders?limit=100', { token: (await ts.aUser()).token });

    expect(reply.body).toEqual([]);
    expect(reply.headers.get('link')).toBeNull();
  });

  it.each([
    ['a cursor of another list', '/orders?cursor=' + Buffer.from(JSON.stringify(['notifications', 1, 'x'])).toString('base64url')],
    ['a cursor that is not one at all', '/notifications?cursor=bm90LWpzb24'],
  ])('%s answers 400 invalid-cursor', async (_label, path) => {
    expectProblem(await ts.call('GET', path, { token: user.token }), 400, 'invalid-cursor');
  });

  it.each(['0', '101', '-1', '2.5', 'ten'])('limit=%s answers 400 naming the limit', async (limit) => {
    const reply = await ts.call('GET', `/orders?limit=${limit}`, { token: user.token });

    expectProblem(reply, 400, 'invalid-input');
    expect(fieldsOf(reply)).toEqual(['querystring.limit']);
  });

  it('a cursor with characters no cursor has answers 400 naming the cursor', async () => {
    const reply = await ts.call('GET', '/notifications?cursor=%7B%7D', { token: user.token });

    expectProblem(reply, 400, 'invalid-input');
    expect(fieldsOf(reply)).toEqual(['querystring.cursor']);
  });
});
