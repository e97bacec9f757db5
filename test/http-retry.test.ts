import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, startRestSystem, type TestSystem } from './support/system.ts';

/**
 * Makes the notification service's storage refuse new messages until the returned function is
 * called: a transient failure of one step of the RESTful choreography, after the payment.
 */
function breakNotificationStorage(ts: TestSystem): () => void {
  const db = new Database(join(ts.system.dataDir, 'notification', 'notification.sqlite'));
  db.exec(`CREATE TRIGGER refuse_messages BEFORE INSERT ON notifications BEGIN SELECT RAISE(ABORT, 'storage unavailable'); END`);
  return () => {
    db.exec('DROP TRIGGER refuse_messages');
    db.close();
  };
}

describe('HTTP retries after a failed step', () => {
  let ts: TestSystem;
  beforeAll(async () => {
    ts = await startRestSystem();
  });
  afterAll(() => ts?.stop());

  it('an order whose notification failed answers 503; retried with the same key it is paid once and notified once', async () => {
    const user = await ts.aFundedUser(100_000);
    const place = () => ts.call('POST', '/orders', { token: user.token, json: { amount: 60_000 }, headers: { 'idempotency-key': 'notify-retry' } });
    const repair = breakNotificationStorage(ts);
    const failed = await place().finally(repair);
    expectProblem(failed, 503, 'service-unavailable');
    // The payment went through before the notification step failed.
    expect((await ts.call('GET', '/billing/account', { token: user.token })).body.balance).toBe(40_000);

    const retry = await place();

    expect(retry.status).toBe(201);
    expect(retry.body.status).toBe('paid');
    expect((await ts.call('GET', '/billing/account', { token: user.token })).body.balance).toBe(40_000);
    expect(ts.deliveredFor(retry.body.id)).toHaveLength(1);
    const notes = await ts.call('GET', '/notifications', { token: user.token });
    expect(notes.body).toEqual([expect.objectContaining({ orderId: retry.body.id, type: 'order.paid' })]);
  });
});
