import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { endProcess, findNatsServer, freePort, NatsServerStartFailed, running, spawnServer, type ServerProcess } from './nats-server.ts';
import { hold } from './resources.ts';

export interface PrivateNatsClusterOptions {
  /** nodes; default 3 */
  readonly size?: number;
  /** path to the nats-server binary; default as findNatsServer() */
  readonly binary?: string;
  /**
   * ms to wait until every node answers and JetStream has elected a meta leader; default 20000.
   * Three servers on an idle machine elect within about 2 s (routes connect, then a Raft election
   * with randomised timeouts of a few seconds at most); the margin is for a loaded 2-core box.
   */
  readonly readyTimeoutMs?: number;
  /** keep each node's JetStream store in <storeDir>/<node name>, and keep it on stop; default a temporary directory */
  readonly storeDir?: string;
}

/** One nats-server of the cluster, to take down and bring back alone. */
export interface NatsClusterNode {
  /** server_name, e.g. `n1`: what JetStream's stream info names as leader and replicas */
  readonly name: string;
  /** client URL on loopback */
  readonly url: string;
  /** HTTP monitoring endpoint (varz, jsz, healthz) */
  readonly monitorUrl: string;
  /** the running process's id; a resume() starts a new one; -1 when halted */
  readonly pid: number;
  /** starting: resume() was called and has not resolved yet */
  readonly state: 'running' | 'starting' | 'halted';
  /** SIGTERM (a clean stop) or SIGKILL (a crash); keeps the store. Idempotent. */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** starts the node again on the same ports and store; resolves when it answers and sees a meta leader */
  resume(): Promise<void>;
}

export interface PrivateNatsCluster {
  /** every node's client URL, comma-separated: the seed list clients connect with */
  readonly url: string;
  readonly urls: readonly string[];
  readonly nodes: readonly NatsClusterNode[];
  /** the running nodes' process ids, to measure their CPU and memory */
  readonly pids: readonly number[];
  /** takes every node down (the whole broker gone); keeps the stores. Idempotent. */
  halt(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** brings every halted node back; resolves when JetStream has a meta leader again */
  resume(): Promise<void>;
  /** SIGTERM every node, await the exits, remove the stores unless kept. Idempotent. */
  stop(): Promise<void>;
}

const CLUSTER_NAME = 'interplay';

/**
 * N private nats-servers with JetStream, routed to each other on loopback, each with its own client,
 * monitor and route port and its own store. Ready when every node answers /healthz and JetStream has
 * a meta leader: before that, stream creation is refused with "JetStream system temporarily unavailable".
 */
export async function startPrivateNatsCluster(opts: PrivateNatsClusterOptions = {}): Promise<PrivateNatsCluster> {
  const binary = findNatsServer(opts.binary);
  // A free port can be taken between probing and binding; a fresh set of ports usually fixes it.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(binary, opts);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

interface NodePorts {
  readonly name: string;
  readonly client: number;
  readonly monitor: number;
  readonly route: number;
}

/** The config file of one node: names are required by clustered JetStream, routes to every other node. */
export function nodeConfig(node: NodePorts, all: readonly NodePorts[], storeDir: string): string {
  const routes = all.filter((n) => n.name !== node.name).map((n) => `    "nats-route://127.0.0.1:${n.route}"`);
  return [
    `server_name: "${node.name}"`,
    `listen: "127.0.0.1:${node.client}"`,
    `http: "127.0.0.1:${node.monitor}"`,
    `jetstream { store_dir: ${JSON.stringify(storeDir)} }`,
    'cluster {',
    `  name: "${CLUSTER_NAME}"`,
    `  listen: "127.0.0.1:${node.route}"`,
    '  routes: [',
    ...routes,
    '  ]',
    '}',
    '',
  ].join('\n');
}

async function startOnce(binary: string, opts: PrivateNatsClusterOptions): Promise<PrivateNatsCluster> {
  const size = opts.size ?? 3;
  const readyTimeoutMs = opts.readyTimeoutMs ?? 20_000;
  const root = opts.storeDir ?? mkdtempSync(join(tmpdir(), 'interplay-nats-cluster-'));
  mkdirSync(root, { recursive: true });
  const ports: NodePorts[] = [];
  for (let i = 1; i <= size; i++) ports.push({ name: `n${i}`, client: await freePort(), monitor: await freePort(), route: await freePort() });
  // The config files live beside the stores; only the stores are worth keeping.
  const configDir = mkdtempSync(join(tmpdir(), 'interplay-nats-conf-'));
  const argsOf = ports.map((node) => {
    const store = join(root, node.name);
    mkdirSync(store, { recursive: true });
    const file = join(configDir, `${node.name}.conf`);
    writeFileSync(file, nodeConfig(node, ports, store));
    return ['-c', file];
  });
  const processes: (ServerProcess | undefined)[] = ports.map(() => undefined);
  const spawnNode = (i: number): void => {
    processes[i] = spawnServer(binary, argsOf[i]!);
  };
  const removeFiles = (): void => {
    rmSync(configDir, { recursive: true, force: true });
    if (!opts.storeDir) rmSync(root, { recursive: true, force: true });
  };

  // Keep the servers from outliving us when the parent forgets stop() or exits with process.exit().
  const onParentExit = (): void => {
    for (const p of processes) p?.child.kill('SIGKILL');
    removeFiles();
  };
  process.once('exit', onParentExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      unhold();
      process.removeListener('exit', onParentExit);
      await Promise.all(processes.map((p) => (p ? endProcess(p, 'SIGTERM') : undefined)));
      removeFiles();
    })();
    return stopping;
  };
  const unhold = hold(() => stop());

  const isUp = (i: number): boolean => processes[i] !== undefined && running(processes[i]!.child);
  const monitorUrl = (i: number) => `http://127.0.0.1:${ports[i]!.monitor}`;
  const clientUrl = (i: number) => `nats://127.0.0.1:${ports[i]!.client}`;
  const urls = ports.map((_, i) => clientUrl(i));

  /** Waits until every running node is healthy and sees a meta leader, and the JetStream API answers. */
  const ready = async (): Promise<void> => {
    const live = ports.map((_, i) => i).filter(isUp);
    try {
      await waitUntilClusterReady(
        live.map((i) => ({ name: ports[i]!.name, monitorUrl: monitorUrl(i), url: clientUrl(i), process: processes[i]! })),
        readyTimeoutMs,
      );
    } catch (err) {
      const tails = live.map((i) => `[${ports[i]!.name}] ${processes[i]!.stderrTail().trim().split('\n').slice(-3).join(' | ')}`);
      throw new NatsServerStartFailed(`nats cluster of ${size} did not become ready: ${(err as Error).message}\n${tails.join('\n')}`, { cause: err });
    }
  };

  try {
    for (let i = 0; i < size; i++) spawnNode(i);
    await ready();
  } catch (err) {
    await stop();
    throw err;
  }

  /** nodes whose resume() has not resolved yet */
  const starting = new Set<number>();
  const nodes: NatsClusterNode[] = ports.map((node, i) => ({
    name: node.name,
    url: clientUrl(i),
    monitorUrl: monitorUrl(i),
    get pid() {
      return isUp(i) ? (processes[i]!.child.pid ?? -1) : -1;
    },
    get state() {
      return !isUp(i) ? 'halted' : starting.has(i) ? 'starting' : 'running';
    },
    halt: async (signal = 'SIGTERM') => {
      const p = processes[i];
      if (p) await endProcess(p, signal);
    },
    resume: async () => {
      if (stopping) throw new NatsServerStartFailed('the nats cluster was stopped for good; a node cannot be resumed');
      if (isUp(i)) return;
      spawnNode(i);
      starting.add(i);
      try {
        await ready();
      } finally {
        starting.delete(i);
      }
    },
  }));

  return {
    url: urls.join(','),
    urls,
    nodes,
    get pids() {
      return nodes.map((n) => n.pid).filter((pid) => pid > 0);
    },
    halt: async (signal = 'SIGTERM') => {
      await Promise.all(nodes.map((n) => n.halt(signal)));
    },
    resume: async () => {
      if (stopping) throw new NatsServerStartFailed('the nats cluster was stopped for good; it cannot be resumed');
      ports.forEach((_, i) => {
        if (!isUp(i)) spawnNode(i);
      });
      await ready();
    },
    stop,
  };
}

interface LiveNode {
  readonly name: string;
  readonly monitorUrl: string;
  readonly url: string;
  readonly process: ServerProcess;
}

/** What /jsz says about the JetStream meta group (nats-server 2.9+). */
interface Jsz {
  readonly meta_cluster?: { readonly leader?: string; readonly cluster_size?: number };
}

/**
 * Polls each live node's /healthz and /jsz until all are ok and name a meta leader, then checks that a
 * client gets an answer from the JetStream API; fails at once when a node exits, else at the deadline.
 */
async function waitUntilClusterReady(live: readonly LiveNode[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = 'no node polled yet';
  let dead: string | undefined;
  for (const node of live) void node.process.died.then((err) => (dead ??= `${node.name} exited${err ? `: ${err.message}` : ''}`));
  while (Date.now() < deadline) {
    if (dead) throw new Error(dead);
    reason = (await firstUnready(live)) ?? (await jetStreamAnswers(live[0]?.url));
    if (reason === '') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms (last: ${reason})`);
}

/** the first reason a node is not ready yet, or undefined when all are */
async function firstUnready(live: readonly LiveNode[]): Promise<string | undefined> {
  for (const node of live) {
    try {
      const health = await fetch(`${node.monitorUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (!health.ok) return `${node.name} /healthz answered ${health.status}`;
      const jsz = (await (await fetch(`${node.monitorUrl}/jsz`, { signal: AbortSignal.timeout(1_000) })).json()) as Jsz;
      if (!jsz.meta_cluster?.leader) return `${node.name} sees no JetStream meta leader yet`;
    } catch (err) {
      return `${node.name}: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/** '' when a client connected to `url` gets an answer from the JetStream API, else why not */
async function jetStreamAnswers(url: string | undefined): Promise<string> {
  if (!url) return 'no node is running';
  try {
    const nc = await connect({ servers: url, timeout: 1_000, reconnect: false });
    try {
      await (await jetstreamManager(nc, { timeout: 2_000 })).getAccountInfo();
      return '';
    } finally {
      await nc.close();
    }
  } catch (err) {
    return `JetStream API: ${(err as Error).message}`;
  }
}
