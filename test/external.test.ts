import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookChannel } from '../src/runtime/delivery/webhook.ts';
import { freePort } from '../src/runtime/nats-server.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { cheapHasher } from './support/builders.ts';
import { runInterplay } from './support/interplay.ts';
import { UNREACHED_LIMITS } from './support/system.ts';

/** `--topology external` loads a system started elsewhere; the bench's sink times its deliveries. */


describe('bench --topology external', () => {
  let system: RunningSystem;
  let sinkPort: number;
  let delivery: ReturnType<typeof webhookChannel>;
  beforeAll(async () => {
    sinkPort = await freePort();
    delivery = webhookChannel({ url: `http://127.0.0.1:${sinkPort}/deliveries` });
    system = await startSystem({ style: 'rest', delivery, hasher: cheapHasher, logLevel: 'fatal', overload: UNREACHED_LIMITS });
  });
  afterAll(async () => {
    await system?.stop();
    await delivery?.close();
  });

  it('loads the running system at --base-url and times completions on the sink at --sink', async () => {
    const { code, stdout, stderr } = await runInterplay([
      'bench', '--topology', 'external', '--base-url', system.url, '--sink', `127.0.0.1:${sinkPort}`,
      '--rate', '20', '--duration', '2s', '--warmup', '500ms', '--drain', '10s', '--users', '3', '--json', '--out', `${system.dataDir}/report`,
    ]);

    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.orders.placed).toBe(40);
    expect(report.orders.pending).toBe(0);
    expect(report.orders.paid + report.orders.rejected).toBe(40);
    expect(report.latency.completion.p50).toBeGreaterThan(0);
    expect(report.readLoad.perOrder).toBe(3);
    expect(report.environment.topology).toMatch(/^external/);
  }, 60_000);
});
