import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { openStore, type StoreConfig } from '../../src/platform/store/index.ts';
import { startOutboxRelay, type EventTables } from '../../src/platform/events/index.ts';
import { replicaData, serve } from './workers.ts';

/** One replica's outbox relay: its own connection to the outbox's database and its own NATS connection. */

const { config, natsUrl, relayId } = replicaData<{ config: StoreConfig; natsUrl: string; relayId: string }>();
const { db } = await openStore<EventTables>(config);
const nc = await connect({ servers: natsUrl });
// Polls often, so that both relays keep reaching for rows while the test writes them.
const relay = startOutboxRelay({ db, js: jetstream(nc), relayId, pollMs: 20 });
const stats = () => {
  const { published, duplicates } = relay.stats();
  return { published, duplicates };
};

serve(
  {
    stop: async () => {
      await relay.stop();
      return stats();
    },
  },
  async () => {
    await relay.stop();
    await nc.drain();
    await db.destroy();
  },
);
