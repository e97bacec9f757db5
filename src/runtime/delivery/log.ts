import pino from 'pino';
import type { DeliveryChannel } from '../../services/notification/index.ts';

/**
 * Delivers by writing one JSON line per notification. The destination is asynchronous,
 * so a delivery never blocks the order path on a write to the terminal.
 */
export function logChannel(destination: NodeJS.WritableStream | number = 1): DeliveryChannel {
  const logger = pino(
    { base: undefined, messageKey: 'message' },
    typeof destination === 'number' ? pino.destination({ dest: destination, sync: false }) : destination,
  );
  return {
    deliver(notification, contact) {
      logger.info({ channel: 'log', to: contact.email, orderId: notification.orderId, type: notification.type }, notification.message);
    },
  };
}

/** Delivers nowhere; for runs where only the stored message matters. */
export const silentChannel: DeliveryChannel = { deliver: () => {} };
