import { randomBytes } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { startPrivateNatsServer } from '../../src/runtime/nats-server.ts';

export interface TestNats {
  readonly url: string;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /**
   * A name no other test uses, for streams, subjects and durables, so test files can share
   * one NATS_URL server. Upper-case prefixes give stream-like names; teardown deletes streams made with them.
   */
  unique(prefix: string): string;
  /** a fresh connection, e.g. to play a process that dies */
  connect(): Promise<NatsConnection>;
  teardown(): Promise<void>;
}

/**
 * NATS_URL when set, else a private nats-server. Throws when neither works: a test that needs
 * NATS must fail, never skip, on a machine without it.
 */
export async function setupNats(): Promise<TestNats> {
  const envUrl = process.env['NATS_URL'];
  const server = envUrl ? undefined : await startPrivateNatsServer();
  const url = envUrl ?? server?.url;
  if (!url) throw new Error('setupNats: no NATS_URL and no private nats-server');
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, timeout: 5_000 });
  } catch (err) {
    await server?.stop();
    throw new Error(`setupNats: cannot connect to ${url}${envUrl ? ' (from NATS_URL)' : ''}`, { cause: err });
  }
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  const run = randomBytes(4).toString('hex');
  let counter = 0;
  const madeStreams: string[] = [];
  const extra: NatsConnection[] = [];

  return {
    url,
    nc,
    js,
    jsm,
    unique(prefix) {
      const name = `${prefix}_${run}_${++counter}`;
      if (/^[A-Z]/.test(prefix)) madeStreams.push(name);
      return name;
    },
    async connect() {
      const c = await connect({ servers: url, timeout: 5_000 });
      extra.push(c);
      return c;
    },
    async teardown() {
      for (const c of extra) if (!c.isClosed()) await c.close();
      if (!server) {
        // A shared server outlives us: leave it as we found it.
        for (const name of madeStreams) await jsm.streams.delete(name).catch(() => false);
      }
      await nc.close();
      await server?.stop();
    },
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 10_000, intervalMs = 25, what = 'condition' }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
