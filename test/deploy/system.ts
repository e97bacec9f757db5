import { createServer } from 'node:net';
import { checkerToken, checkInvariants, collectState, settle, type Anomaly } from '../../src/analyse/index.ts';
import { expectationsOf, placeOrders, type OrderAttempt } from '../../src/measure/faults/order-load.ts';
import { prepareUsers } from '../../src/scenarios/load.ts';
import { SERVICES, type ServiceName } from '../../src/model/style.ts';
import type { ComposeProject } from './compose.ts';
import { runOk } from './exec.ts';

/** A free port on the loopback for the gateway, so that runs side by side do not collide. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Kill {
  readonly service: string;
  readonly number: number;
  /** ms after the load started */
  readonly atMs: number;
}

export interface KillOutcome {
  readonly kills: readonly (Kill & { readonly container: string; readonly restartedBy: 'engine' | 'test' })[];
  readonly orders: { readonly sent: number; readonly accepted: number; readonly refused: number };
  readonly settledInMs: number;
  readonly anomalies: readonly Anomaly[];
}

export interface KillOptions {
  readonly baseUrl: string;
  readonly kills: readonly Kill[];
  readonly users: number;
  /** orders per second */
  readonly rate: number;
  /** ms of load */
  readonly durationMs: number;
  /** ms the system may take to finish what it accepted */
  readonly settleMs: number;
}

/** ms the engine has to restart a killed container by its restart policy before the test starts it */
const ENGINE_RESTART_GRACE_MS = 3_000;

/**
 * Orders under load while containers are SIGKILLed (`docker kill`) and come back, then every invariant
 * checked against what the client was told, reading the state through the gateway and the services'
 * own read routes (on their container addresses).
 */
export async function killUnderLoad(project: ComposeProject, opts: KillOptions): Promise<KillOutcome> {
  const { users } = await prepareUsers(opts.baseUrl, opts.users);
  const load = placeOrders({ baseUrl: opts.baseUrl, users, rate: opts.rate, durationMs: opts.durationMs, drainMs: 10_000, maxInflight: 50, insufficient: 0.2, seed: 15, keyed: 0.3, replays: 0.1 });
  const startedAt = Date.now();
  const kills = opts.kills.map(async (kill) => {
    await new Promise((resolve) => setTimeout(resolve, kill.atMs));
    const target = (await project.containers(kill.service)).find((c) => c.number === kill.number);
    if (!target) throw new Error(`no container ${kill.service} #${kill.number} in ${project.name}`);
    await runOk('docker', ['kill', target.id]);
    await new Promise((resolve) => setTimeout(resolve, ENGINE_RESTART_GRACE_MS));
    const running = (await runOk('docker', ['inspect', '--format', '{{.State.Running}}', target.id])).stdout.trim() === 'true';
    if (!running) await runOk('docker', ['start', target.id]);
    return { ...kill, atMs: Date.now() - startedAt - ENGINE_RESTART_GRACE_MS, container: target.id.slice(0, 12), restartedBy: running ? ('engine' as const) : ('test' as const) };
  });
  await load.run.result;
  const done = await Promise.all(kills);
  await project.waitHealthy(120);

  const services = await serviceUrls(project);
  const token = await checkerToken(project.serviceSecret);
  const started = Date.now();
  const state = await settle(() => collectState({ baseUrl: opts.baseUrl, services, serviceToken: token, users }), { timeoutMs: opts.settleMs });
  const accepted = load.attempts.filter((a: OrderAttempt) => a.orderId !== undefined).length;
  return {
    kills: done,
    orders: { sent: load.attempts.length, accepted, refused: load.attempts.length - accepted },
    settledInMs: Date.now() - started,
    anomalies: checkInvariants(state, expectationsOf(users, load.attempts)),
  };
}

/** One base URL per service, on the first replica's container address: the checker's internal reads. */
async function serviceUrls(project: ComposeProject): Promise<Record<ServiceName, string>> {
  const entries = await Promise.all(
    SERVICES.map(async (service) => {
      const [first] = await project.containers(service);
      if (!first) throw new Error(`no ${service} container in ${project.name}`);
      return [service, `http://${await project.address(first.id)}:8080`] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ServiceName, string>;
}
