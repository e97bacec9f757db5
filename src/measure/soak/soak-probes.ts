import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { natsServers } from '../../platform/events/connection.ts';
import { connect } from '@nats-io/transport-node';
import { processUsage } from '../engine/proc.ts';
import { readNats, readOwnProcess, readSystemProcesses, walBytes } from '../engine/runtime-stats.ts';
import type { SoakSample } from './soak.ts';

type BrokerState = NonNullable<SoakSample['broker']>;

export interface BrokerProbe {
  read(): Promise<BrokerState>;
  close(): Promise<void>;
}

/**
 * Reads every stream and consumer of a broker: the backlog (num_pending + num_ack_pending, i.e.
 * not yet delivered plus delivered and not yet acked) and what the streams hold. Meant for a
 * private nats-server, where every stream is the system's own.
 */
export async function brokerProbe(url: string): Promise<BrokerProbe> {
  const nc = await connect({ servers: natsServers(url), name: 'interplay-soak' });
  const jsm = await jetstreamManager(nc);
  return {
    async read() {
      let backlog = 0;
      let messages = 0;
      let bytes = 0;
      for await (const stream of jsm.streams.list()) {
        messages += stream.state.messages;
        bytes += stream.state.bytes;
        for await (const consumer of jsm.consumers.list(stream.config.name)) backlog += consumer.num_pending + consumer.num_ack_pending;
      }
      return { backlog, messages, bytes };
    },
    close: () => nc.drain(),
  };
}

/** Bytes of every file under `dir`. SQLite removes its -wal and -shm files as it likes, so a file gone between list and stat counts 0. */
export async function directoryBytes(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(
    entries.filter((e) => e.isFile()).map((e) => stat(join(e.parentPath, e.name)).then((s) => s.size, () => 0)),
  );
  return sizes.reduce((a, b) => a + b, 0);
}

export interface SampledSystem {
  readonly systemPid: number;
  readonly natsPid?: number;
  readonly broker?: BrokerProbe;
  readonly dataDir: string;
  /** the system's gateway: its /health lists the processes, each read at its /metrics/process */
  readonly gatewayUrl: string;
  /** nats-server's monitoring endpoint; none for rest */
  readonly natsMonitorUrl?: string;
}

/**
 * The system now: CPU and RSS from /proc, the broker's streams, the databases' size; each process's
 * event-loop delay, GC and checkpoints, this one's too; the write-ahead logs; nats-server's own counters.
 */
export async function sampleSystem(s: SampledSystem): Promise<SoakSample> {
  const [system, nats, broker, dbBytes, processes, own, wal, natsStats] = await Promise.all([
    processUsage(s.systemPid),
    s.natsPid === undefined ? undefined : processUsage(s.natsPid),
    s.broker?.read() ?? null,
    directoryBytes(s.dataDir),
    readSystemProcesses(s.gatewayUrl),
    readOwnProcess(),
    walBytes(s.dataDir),
    // A monitor that does not answer leaves this window without the server's counters, not the soak without its row.
    s.natsMonitorUrl === undefined ? null : readNats(s.natsMonitorUrl).catch(() => null),
  ]);
  return {
    cpuMs: (system?.cpuMs ?? 0) + (nats?.cpuMs ?? 0),
    systemRssBytes: system?.rssBytes ?? null,
    natsRssBytes: nats?.rssBytes ?? null,
    broker,
    dbBytes,
    processes: [...processes, own],
    walBytes: wal,
    nats: natsStats,
  };
}
