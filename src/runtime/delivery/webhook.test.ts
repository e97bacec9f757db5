import { afterEach, describe, expect, it } from 'vitest';
import { startSink, type DeliverySink } from '../../measure/engine/sink.ts';
import type { Notification } from '../../services/notification/index.ts';
import { webhookChannel } from './webhook.ts';

const aNotification = (orderId: string): Notification => ({
  id: `n-${orderId}`,
  orderId,
  userId: 'u-1',
  type: 'order.paid',
  message: 'Ann, your order is paid.',
  createdAt: '2026-11-25T12:00:00.000Z',
});
const contact = { userId: 'u-1', email: 'ann@example.com', name: 'Ann' };

describe('webhook channel', () => {
  let sink: DeliverySink | undefined;
  afterEach(async () => {
    await sink?.close();
  });

  it('webhook - POSTs the notification with the recipient, once', async () => {
    sink = await startSink();
    const channel = webhookChannel({ url: `${sink.url}/deliveries` });
    channel.deliver(aNotification('o-1'), contact);
    expect(await sink.waitFor(['o-1'], 5_000)).toEqual({ ok: true });
    expect(sink.delivery('o-1')?.body).toMatchObject({ orderId: 'o-1', type: 'order.paid', to: 'ann@example.com' });
    expect(sink.total).toBe(1);
    await channel.close();
  });

  it('webhook - retries a receiver that answers 503 until it takes the delivery', async () => {
    sink = await startSink();
    sink.failNext(2);
    const channel = webhookChannel({ url: `${sink.url}/deliveries`, backoffMs: 10 });
    channel.deliver(aNotification('o-2'), contact);
    expect(await sink.waitFor(['o-2'], 5_000)).toEqual({ ok: true });
    expect(sink.total).toBe(1);
    await channel.close();
  });

  it('webhook - gives up after the last attempt and says why, without throwing', async () => {
    sink = await startSink();
    sink.failNext(10);
    const gaveUp: string[] = [];
    const channel = webhookChannel({ url: `${sink.url}/deliveries`, attempts: 3, backoffMs: 5, onGiveUp: (id, reason) => void gaveUp.push(`${id}: ${reason}`) });
    channel.deliver(aNotification('o-3'), contact);
    await expect.poll(() => gaveUp, { timeout: 5_000 }).toEqual(['o-3: answered 503']);
    expect(sink.count).toBe(0);
    await channel.close();
  });
});
