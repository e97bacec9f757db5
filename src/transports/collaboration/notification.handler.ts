import { localContacts, notifyOrderOutcome, rememberContact, type NotificationDeps } from '../../services/notification/index.ts';
import type { EventHandler } from '../../platform/events/index.ts';
import { ACK, afterCommit, applyOnce, notYet } from '../events/once.ts';
import type { Needs } from './events.ts';

/** user.registered {user} → keep the contact data locally. */
export const rememberContactOnUserRegistered =
  (deps: NotificationDeps, durable: string): EventHandler<Needs['contact']> =>
  (event) =>
    applyOnce(deps.db, durable, event.id, async (trx) => {
      const { id, email, name } = event.data.user;
      await rememberContact({ ...deps, db: trx }, { userId: id, email, name });
      return ACK;
    });

/** order.finished {order} → notify, with the contact from the local copy. */
export const notifyOnOrderFinished =
  (deps: NotificationDeps, durable: string): EventHandler<Needs['finishedOrder']> =>
  async (event, ctx) => {
    const delivery = afterCommit(deps.delivery);
    const outcome = await applyOnce(deps.db, durable, event.id, async (trx) => {
      const { id, userId, amount, status } = event.data.order;
      // The local copy is read in this transaction: SQLite has one connection, which it holds.
      const contacts = localContacts({ db: trx });
      const notified = await notifyOrderOutcome({ ...deps, db: trx, delivery, contacts }, { orderId: id, userId, amount, status });
      // The contact arrives with user.registered, on another consumer; it may not be here yet.
      return notified.ok ? ACK : notYet(notified.error.code, ctx.deliveryCount);
    });
    delivery.flush();
    return outcome;
  };
