import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT } from '../src/platform/http/app.ts';
import { createRandom, type Random } from '../src/model/random.ts';
import { expectProblem, fieldsOf, startRestSystem, type TestSystem, type TestUser } from './support/system.ts';

/** Amounts the public API must refuse, and the field the 400 must name. */
const BAD_AMOUNTS: readonly [string, Record<string, unknown>, string][] = [
  ['amount 0', { amount: 0 }, 'body.amount'],
  ['amount -1', { amount: -1 }, 'body.amount'],
  ['amount 1.5', { amount: 1.5 }, 'body.amount'],
  ['amount "100" (a string)', { amount: '100' }, 'body.amount'],
  ['amount 10^12 + 1', { amount: 1_000_000_000_001 }, 'body.amount'],
  ['amount null', { amount: null }, 'body.amount'],
  ['no amount', {}, 'body.amount'],
  ['an extra property', { amount: 100, currency: 'USD' }, 'body.currency'],
];

describe('HTTP input validation', () => {
  let ts: TestSystem;
  let user: TestUser;
  const balance = async () => (await ts.call('GET', '/billing/account', { token: user.token })).body.balance as number;

  beforeAll(async () => {
    ts = await startRestSystem();
    user = await ts.aFundedUser(10_000);
  });
  afterAll(() => ts?.stop());

  describe.each([
    ['POST /billing/account/deposits', '/billing/account/deposits'],
    ['POST /orders', '/orders'],
  ])('%s', (_name, path) => {
    it.each(BAD_AMOUNTS)('refuses %s with 400 naming the field, and moves no money', async (_label, body, field) => {
      const res = await ts.call('POST', path, { token: user.token, json: body });

      expectProblem(res, 400, 'invalid-input');
      expect(fieldsOf(res)).toContain(field);
      expect(await balance()).toBe(10_000);
    });

    it('refuses an Idempotency-Key with a space or over 255 characters with 400 naming the header', async () => {
      for (const key of ['has space', 'k'.repeat(256)]) {
        const res = await ts.call('POST', path, { token: user.token, json: { amount: 100 }, headers: { 'idempotency-key': key } });
        expectProblem(res, 400, 'invalid-input');
        expect(fieldsOf(res)).toContain('headers.idempotency-key');
      }
    });
  });

  it('POST /orders - refuses an order line with quantity 0, naming the line', async () => {
    const res = await ts.call('POST', '/orders', { token: user.token, json: { amount: 100, items: [{ sku: 'a', quantity: 0 }] } });

    expectProblem(res, 400, 'invalid-input');
    expect(fieldsOf(res)).toContain('body.items.0.quantity');
  });

  it.each([
    ['a malformed email', { email: 'not-an-email' }, 'body.email'],
    ['a password under 8 characters', { password: 'short' }, 'body.password'],
    ['a blank name', { name: '   ' }, 'body.name'],
    ['no name', { name: undefined }, 'body.name'],
    ['an extra property', { role: 'admin' }, 'body.role'],
  ])('POST /auth/register - refuses %s with 400 naming the field', async (_label, change, field) => {
    const body = { email: 'valid@example.com', password: 'long-enough-password', name: 'Valid', ...change };

    const res = await ts.call('POST', '/auth/register', { json: body });

    expectProblem(res, 400, 'invalid-input');
    expect(fieldsOf(res)).toContain(field);
  });

  it('POST /auth/login - refuses credentials without a password with 400 naming the field', async () => {
    const res = await ts.call('POST', '/auth/login', { json: { email: user.email } });

    expectProblem(res, 400, 'invalid-input');
    expect(fieldsOf(res)).toContain('body.password');
  });

  it('GET /orders/{id} - refuses an id over 64 characters with 400 naming the parameter', async () => {
    const res = await ts.call('GET', `/orders/${'x'.repeat(65)}`, { token: user.token });

    expectProblem(res, 400, 'invalid-input');
    expect(fieldsOf(res)).toContain('params.id');
  });

  it.each([
    ['a truncated object', '{"amount": 100'],
    ['a bare word', 'amount=100'],
    ['an empty body', ''],
  ])('answers 400 malformed-json to %s sent as application/json', async (_label, raw) => {
    expectProblem(await ts.call('POST', '/billing/account/deposits', { token: user.token, raw }), 400, 'malformed-json');
  });

  it('answers 413 to a body just over 64 KiB, and moves no money', async () => {
    const raw = JSON.stringify({ amount: 100, pad: '' }).replace('""', `"${'x'.repeat(BODY_LIMIT)}"`);

    const res = await ts.call('POST', '/billing/account/deposits', { token: user.token, raw });

    expectProblem(res, 413, 'payload-too-large');
    expect(await balance()).toBe(10_000);
  });

  it('answers 413 to a body of 256 KiB too, through the gateway', async () => {
    const raw = JSON.stringify({ email: 'big@example.com', password: 'p'.repeat(256 * 1024), name: 'Big' });

    expectProblem(await ts.call('POST', '/auth/register', { raw }), 413, 'payload-too-large');
  });

  it('each service refuses an oversized body itself, not only behind the gateway', async () => {
    const res = await ts.system.apps.billing.inject({
      method: 'POST',
      url: '/billing/account/deposits',
      headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ amount: 100, pad: 'x'.repeat(BODY_LIMIT) }),
    });

    expectProblem({ status: res.statusCode, contentType: String(res.headers['content-type']).split(';')[0] ?? '', text: res.body }, 413, 'payload-too-large');
  });

  it.each([
    ['application/x-www-form-urlencoded', 'amount=100'],
    ['application/xml', '<amount>100</amount>'],
    ['text/plain', '{"amount":100}'],
  ])('answers 415 to a body sent as %s, and moves no money', async (contentType, raw) => {
    const res = await ts.call('POST', '/billing/account/deposits', { token: user.token, raw, contentType });

    expectProblem(res, 415, 'unsupported-media-type');
    expect(await balance()).toBe(10_000);
  });

  it('never answers 5xx to garbage: 80 seeded random bodies across the public POST routes', async () => {
    const random = createRandom(0x1a7e);
    const routes = [
      ['/auth/register', undefined],
      ['/auth/login', undefined],
      ['/billing/account/deposits', user.token],
      ['/orders', user.token],
    ] as const;
    const answers: string[] = [];
    for (let i = 0; i < 80; i++) {
      const [path, token] = routes[i % routes.length] ?? routes[0];
      const raw = i % 10 === 9 ? garbageText(random) : JSON.stringify(garbageBody(random));
      const res = await ts.call('POST', path, { token, raw });
      if (res.status >= 500 || (res.status >= 400 && res.contentType !== 'application/problem+json')) {
        answers.push(`${path} ${raw.slice(0, 80)} → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(answers).toEqual([]);
  });
});

const KEYS = ['amount', 'email', 'password', 'name', 'items', 'sku', 'quantity', 'constructor', 'toString', '', 'ä', '0'];
const STRINGS = ['', ' ', 'a@b', 'user@example.com', 'x'.repeat(300), '💸', '\u0000', '1e3', '-0', 'NaN', '<script>', "' OR 1=1 --"];
const NUMBERS = [0, -0, 1, -1, 1.5, 1e308, -1e308, 2 ** 53, 1_000_000_000_000, 1_000_000_000_001, Number.MIN_VALUE];

/** A JSON value biased towards what the routes look at: objects with their field names, odd values in them. */
function garbageBody(random: Random, depth = 0): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[random.int(xs.length)] as T;
  switch (depth > 2 ? random.int(4) : random.int(7)) {
    case 0:
      return pick([null, true, false]);
    case 1:
      return pick(NUMBERS);
    case 2:
      return pick(STRINGS);
    case 3:
      return random.int(2) ? {} : [];
    case 4:
      return Array.from({ length: random.int(4) }, () => garbageBody(random, depth + 1));
    default:
      return Object.fromEntries(Array.from({ length: 1 + random.int(4) }, () => [pick(KEYS), garbageBody(random, depth + 1)]));
  }
}

/** Text that is not JSON, or barely is. */
function garbageText(random: Random): string {
  const texts = ['{', '}', '{"amount":}', '[1,', 'nul', '{"a":1}}', '\uFEFF{"amount":1}', '{"amount":1e99999}', '"\\u12"'];
  return texts[random.int(texts.length)] ?? '{';
}
