import { Pool } from 'undici';
import type { DeliveryChannel } from '../../services/notification/index.ts';

export interface WebhookOptions {
  /** where each notification is POSTed as JSON */
  readonly url: string;
  /** attempts per notification; default 5. The receiver may be restarting; past that it is gone. */
  readonly attempts?: number;
  /** ms before the first retry, doubled after each; default 100 (so 100, 200, 400, 800 ms) */
  readonly backoffMs?: number;
  /** ms one attempt may take; default 5000 */
  readonly timeoutMs?: number;
  /** called when a notification could not be delivered after every attempt */
  readonly onGiveUp?: (orderId: string, reason: string) => void;
}

/**
 * Delivers by POSTing to a webhook over a keep-alive pool. Delivery runs after the notification
 * is stored and never blocks or fails the use case; failures are retried with backoff.
 */
export function webhookChannel(opts: WebhookOptions): DeliveryChannel & { close(): Promise<void> } {
  const url = new URL(opts.url);
  const pool = new Pool(url.origin, {
    connections: 32,
    headersTimeout: opts.timeoutMs ?? 5000,
    bodyTimeout: opts.timeoutMs ?? 5000,
  });
  const attempts = opts.attempts ?? 5;
  const backoff = opts.backoffMs ?? 100;

  async function post(body: string): Promise<string | undefined> {
    let reason = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const res = await pool.request({
          method: 'POST',
          path: url.pathname + url.search,
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.body.dump();
        if (res.statusCode < 300) return undefined;
        reason = `answered ${res.statusCode}`;
        // A 4xx other than 408/429 will not get better by repeating it.
        if (res.statusCode < 500 && res.statusCode !== 408 && res.statusCode !== 429) return reason;
      } catch (error) {
        reason = (error as Error).message;
      }
      if (attempt < attempts) await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
    }
    return reason;
  }

  return {
    deliver(notification, contact) {
      const body = JSON.stringify({ ...notification, to: contact.email });
      void post(body).then((failure) => {
        if (failure !== undefined) opts.onGiveUp?.(notification.orderId, failure);
      });
    },
    close: () => pool.close(),
  };
}
