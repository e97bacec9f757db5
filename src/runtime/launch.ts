import { join } from 'node:path';
import { resolveNats } from './nats-server.ts';
import { startSystem, type RunningSystem, type SystemOptions } from './system.ts';

export interface LaunchOptions extends Omit<SystemOptions, 'natsUrl'> {
  /** NATS URL for the event styles; default $NATS_URL, else a private nats-server */
  readonly nats?: string;
}

export interface LaunchedSystem extends RunningSystem {
  /** where the event styles' broker is, when the style uses one */
  readonly natsUrl?: string;
}

/** Starts the system of one style, with a broker when the style needs one; stop() removes both. */
export async function launchSystem(opts: LaunchOptions): Promise<LaunchedSystem> {
  if (opts.style === 'rest') return startSystem(opts);
  // With a kept data directory, a private broker keeps its store there too: events published
  // but not yet consumed when the system stops are delivered after the next start.
  const nats = await resolveNats({ url: opts.nats, ...(opts.dataDir ? { storeDir: join(opts.dataDir, 'nats') } : {}) });
  try {
    const system = await startSystem({ ...opts, natsUrl: nats.url });
    return {
      ...system,
      natsUrl: nats.url,
      stop: async () => {
        await system.stop();
        await nats.stop();
      },
    };
  } catch (error) {
    await nats.stop();
    throw error;
  }
}

