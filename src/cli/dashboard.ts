import { Command } from 'commander';
import type { SystemTopology } from '../model/topology.ts';
import type { Style } from '../model/style.ts';
import { asUsageError, UsageError } from './errors.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { addStoreFlags, checkStoreFlags, storeRequest, type StoreFlags } from './store-flags.ts';
import { natsOption, parseRate, positiveInt, replicasOption, styleOption, topologyOption } from './options.ts';

import { natsChoice, natsClusterOption, streamReplicasOption, type NatsFlags } from './nats-flags.ts';
import { systemTopology } from './topology-flags.ts';

interface DashboardFlags extends StoreFlags, NatsFlags {
  readonly style: Style;
  readonly rate: number;
  readonly topology: SystemTopology['kind'];
  readonly replicas?: Record<string, number>;
  readonly nats?: string;
  readonly users: number;
}

export function registerDashboard(cli: Command): void {
  const dashboard = cli
    .command('dashboard')
    .description('run a style under a steady load and watch it live; switch styles, change the rate, stop and restart services')
    .addOption(styleOption())
    .option('--rate <n>', 'open loop: intended orders per second (+ and - change it by 25 %)', parseRate, 50)
    .addOption(topologyOption().default('processes'))
    .addOption(replicasOption())
    .option('--users <n>', 'users registered and funded at each start (each costs an argon2id hash)', positiveInt(10_000), 10)
    .addOption(natsOption());
  addStoreFlags(dashboard)
    .addOption(natsClusterOption())
    .addOption(streamReplicasOption())
    .action(async (flags: DashboardFlags, command: Command) => {
      checkStoreFlags(command, flags);
      const broker = natsChoice(flags);
      const topology = systemTopology(flags.topology, flags.replicas);
      // Checked before anything starts: a pipe or a CI log cannot show a live screen.
      if (!process.stdout.isTTY || !process.stdin.isTTY) throw new UsageError('the dashboard needs a terminal; use bench for a report');
      stopEverythingOnSignal();
      // Loaded here, not at the top: --help and bad flags answer without loading ink or the system.
      // Ink draws only a last frame when CI or CONTINUOUS_INTEGRATION is set (it reads them on load); a
      // terminal that asked for the live view gets it wherever it runs, a CI job's terminal included.
      for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) delete process.env[name];
      const { runDashboard } = await import('../dashboard/live.tsx');
      try {
        await runDashboard({ style: flags.style, rate: flags.rate, topology, ...broker, users: flags.users, store: storeRequest(flags) });
      } catch (error) {
        throw asUsageError(error);
      }
    });
}
