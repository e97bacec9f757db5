import { Command, Option } from 'commander';
import type { Style } from '../model/style.ts';
import { UsageError, asUsageError } from './errors.ts';
import { checkStoreFlags, databasePoolOption, databasePrefixOption, databaseUrlOption, storeOption, storeRequest, type StoreFlags } from './store-flags.ts';
import { natsChoice, natsClusterOption, streamReplicasOption, type NatsFlags } from './nats-flags.ts';
import { natsOption, parsePort, parseUrl, replicasOption, styleOption, topologyOption } from './options.ts';
import type { SystemTopology } from '../model/topology.ts';
import { systemTopology } from './topology-flags.ts';
import type { DeliveryChannel } from '../services/notification/index.ts';
import type { OverloadLimits } from '../platform/http/overload.ts';

interface UpFlags extends StoreFlags, NatsFlags {
  readonly style: Style;
  readonly topology: SystemTopology['kind'];
  readonly replicas?: Record<string, number>;
  readonly port: number;
  readonly host: string;
  readonly data?: string;
  readonly nats?: string;
  readonly logLevel: string;
  readonly webhook?: string;
}

export function registerUp(cli: Command): void {
  cli
    .command('up')
    .description('start the four services and the gateway, and serve until SIGINT or SIGTERM')
    .addOption(styleOption())
    .addOption(topologyOption())
    .addOption(replicasOption())
    .addOption(new Option('--port <port>', 'gateway port (0 picks a free one)').argParser(parsePort).default(8080))
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--data <dir>', 'keep the databases in this directory (default: a fresh temporary one, removed on exit)')
    .addOption(natsOption())
    .addOption(natsClusterOption())
    .addOption(streamReplicasOption())
    .option('--webhook <url>', 'deliver notifications by POSTing them to this URL (default: one JSON line each on stdout)', parseUrl)
    .addOption(new Option('--log-level <level>', 'service log level').choices(['fatal', 'error', 'warn', 'info', 'debug']).default('warn'))
    .addOption(storeOption())
    .addOption(databaseUrlOption())
    .addOption(databasePrefixOption())
    .addOption(databasePoolOption())
    .action(async (flags: UpFlags, command: Command) => {
      checkStoreFlags(command, flags);
      const topology = systemTopology(flags.topology, flags.replicas);
      natsChoice(flags);
      // A signal during the start stops what was started so far; after it, it is the normal way to stop.
      let stopRequested: () => void = () => {};
      const requested = new Promise<void>((resolve) => (stopRequested = resolve));
      let started = false;
      const onSignal = () => {
        if (started) return stopRequested();
        void import('../runtime/resources.ts').then(async ({ releaseAll }) => {
          await releaseAll();
          process.exit(0);
        });
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const { overloadLimitsFromEnv } = await import('../platform/http/overload.ts');
      const overload = overloadLimitsFromEnv();
      if (!overload.ok) throw new UsageError(overload.error);
      const { webhookChannel } = await import('../runtime/delivery/webhook.ts');
      const webhook = flags.webhook && topology.kind === 'inproc'
        ? webhookChannel({
            url: flags.webhook,
            onGiveUp: (orderId, reason) => process.stderr.write(`interplay: notification of order ${orderId} not delivered: ${reason}\n`),
          })
        : undefined;
      const system = await launch(flags, topology, overload.value, webhook);
      started = true;
      process.stdout.write(`ready ${system.url}\n`);
      await requested;
      await system.stop();
      await webhook?.close();
    });
}

async function launch(flags: UpFlags, topology: SystemTopology, overload: OverloadLimits, delivery?: DeliveryChannel) {
  // Loaded here, not at the top: --help and bad flags answer without loading the system.
  const { launchSystem } = await import('../runtime/launch.ts');
  try {
    return await launchSystem({
      style: flags.style,
      port: flags.port,
      host: flags.host,
      dataDir: flags.data,
      ...natsChoice(flags),
      store: storeRequest(flags),
      topology,
      webhook: flags.webhook,
      logLevel: flags.logLevel,
      overload,
      delivery,
    });
  } catch (error) {
    throw asUsageError(error);
  }
}
