import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChildSystem } from '../../runtime/child.ts';
import { startPrivateNatsServer } from '../../runtime/nats-server.ts';
import { hold } from '../../runtime/resources.ts';
import { orderPlan, prepareUsers } from '../../scenarios/load.ts';
import { now } from '../engine/clock.ts';
import { openLoop } from '../engine/load-options.ts';
import { runLoad } from '../engine/engine.ts';
import { acceptedOrderId, orderClient, placeOrder, SHED } from '../engine/place-order.ts';
import { startSink } from '../engine/sink.ts';
import { SoakLedger } from './soak-ledger.ts';
import { brokerProbe, sampleSystem } from './soak-probes.ts';
import { windowEnds, type SoakOptions, type SoakWindow } from './soak.ts';

export interface SoakRunOptions extends SoakOptions {
  readonly onPhase?: (phase: 'starting' | 'setup' | 'load' | 'drain') => void;
  /** each window's row, in order, as soon as it is ready */
  readonly onWindow?: (window: SoakWindow) => void;
}

/** ms a window's row waits at most for its orders after its end; longer and they count as late */
const MAX_GRACE_MS = 30_000;
/** ms between looks for ready rows */
const ROW_POLL_MS = 250;

/**
 * One system (`interplay up` inproc as a child, with its databases in a directory of ours), a
 * private nats-server for the event styles and one delivery sink; then a single open-loop load
 * for the whole duration, cut into windows on the engine's ticks, so no order falls between two.
 */
export async function runSoak(opts: SoakRunOptions): Promise<SoakWindow[]> {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    opts.onPhase?.('starting');
    const dataDir = await mkdtemp(join(tmpdir(), 'interplay-soak-'));
    const removeData = () => rm(dataDir, { recursive: true, force: true });
    // Removed on a signal too: the script's stopEverythingOnSignal releases what is held.
    const unhold = hold(removeData);
    cleanups.push(async () => {
      unhold();
      await removeData();
    });
    // Times only: the soak reads no body, and a heap growing with them would stall this process.
    const sink = await startSink({ keepBodies: false });
    cleanups.push(() => sink.close());
    // Always a private server, never NATS_URL's: the backlog counts every stream on it.
    const nats = opts.style === 'rest' ? undefined : await startPrivateNatsServer();
    if (nats) cleanups.push(() => nats.stop());
    const system = await startChildSystem({ style: opts.style, nats: nats?.url, webhook: `${sink.url}/deliveries`, data: dataDir });
    cleanups.push(() => system.stop());
    const broker = nats ? await brokerProbe(nats.url) : undefined;
    if (broker) cleanups.push(() => broker.close());
    const probe = () =>
      sampleSystem({ systemPid: system.pid, natsPid: nats?.pid, broker, dataDir, gatewayUrl: system.url, ...(nats ? { natsMonitorUrl: nats.monitorUrl } : {}) });

    opts.onPhase?.('setup');
    const { tokens } = await prepareUsers(system.url, opts.users);
    const plan = orderPlan({ users: opts.users, insufficient: opts.insufficient, seed: opts.seed });
    const client = orderClient(system.url, opts.maxInflight);
    cleanups.push(() => client.close());

    const baseline = await probe();
    opts.onPhase?.('load');
    const ledger = new SoakLedger(now(), baseline);
    const unsubscribe = sink.onDelivery((d) => ledger.deliver(d.orderId, d.receivedAt));
    cleanups.push(async () => unsubscribe());
    const ends = windowEnds(opts.durationMs, opts.windowMs);
    let sampling: Promise<void> = Promise.resolve();
    let failure: unknown;
    const cut = (offeredSoFar: number): void => {
      const index = ledger.cut(now(), offeredSoFar);
      sampling = sampling.then(async () => ledger.sampled(index, await probe())).catch((error: unknown) => void (failure ??= error));
    };
    const windows: SoakWindow[] = [];
    const graceMs = Math.min(opts.windowMs, MAX_GRACE_MS);
    const rows = setInterval(() => {
      for (const w of ledger.take(now(), graceMs)) {
        windows.push(w);
        opts.onWindow?.(w);
      }
    }, ROW_POLL_MS);
    cleanups.push(async () => clearInterval(rows));

    const run = runLoad({
      ...openLoop(opts),
      drainTimeoutMs: graceMs,
      request: async (_i, ctx) => {
        const sentIn = ledger.send();
        try {
          const res = await placeOrder(client, tokens, plan.next(), ctx.signal);
          const id = acceptedOrderId(res);
          if (id !== undefined) {
            ledger.answer(sentIn, { type: 'accepted', id, intendedAt: ctx.intendedAt, deliveredAt: sink.receivedAt(id) });
          } else ledger.answer(sentIn, { type: res.kind === SHED ? 'shed' : 'failed' });
          return res;
        } catch (error) {
          ledger.answer(sentIn, { type: 'failed' });
          throw error;
        }
      },
    });
    // The last window is cut when the load has ended, below, so it holds every arrival.
    run.on('tick', (tick) => {
      while (ledger.cuts < ends.length - 1 && tick.elapsedMs >= (ends[ledger.cuts] ?? Infinity)) cut(tick.sent + tick.dropped);
    });
    const load = await run.result;
    opts.onPhase?.('drain');
    cut(load.scheduled);
    await sampling;
    while (windows.length < ends.length && failure === undefined) await new Promise((r) => setTimeout(r, ROW_POLL_MS));
    if (failure !== undefined) throw failure;
    return windows;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}
