import { Command } from 'commander';
import type { ScenarioResult, StepResult } from '../scenarios/course.ts';
import { asUsageError, EXIT_FAILED } from './errors.ts';
import { stopEverythingOnSignal } from './signals.ts';
import { addStoreFlags, checkStoreFlags, storeRequest, type StoreFlags } from './store-flags.ts';
import { natsOption, parseUrl, replicasOption, styleOrAllOption, stylesOf, topologyOption } from './options.ts';

import { natsChoice, natsClusterOption, streamReplicasOption, type NatsFlags } from './nats-flags.ts';
import { parseTopology, type TopologyFlags } from './topology-flags.ts';

interface ScenarioFlags extends StoreFlags, NatsFlags, TopologyFlags {
  readonly style: string;
  readonly nats?: string;
}

export function registerScenario(cli: Command): void {
  const scenario = cli
    .command('scenario')
    .description('run the course scenario against a system it starts itself, or against --base-url')
    .addOption(styleOrAllOption())
    .addOption(topologyOption(true))
    .addOption(replicasOption())
    .option('--base-url <url>', 'run against this running system instead (for example http://arch.homework); implies --topology external', parseUrl)
    .addOption(natsOption());
  addStoreFlags(scenario)
    .addOption(natsClusterOption())
    .addOption(streamReplicasOption())
    .action(async (flags: ScenarioFlags, command: Command) => {
      checkStoreFlags(command, flags);
      const broker = natsChoice(flags);
      // --base-url alone implies --topology external; with another --topology named, it is refused.
      const implied = flags.baseUrl !== undefined && command.getOptionValueSource('topology') === 'default';
      const topology = parseTopology(implied ? { ...flags, topology: 'external' } : flags);
      stopEverythingOnSignal();
      const { launchSystem } = await import('../runtime/launch.ts');
      const { silentChannel } = await import('../runtime/delivery/log.ts');
      const results: ScenarioResult[] = [];
      if (topology.kind === 'external') {
        results.push(await runAndPrint(topology.baseUrl, topology.baseUrl));
      } else {
        for (const style of stylesOf(flags.style)) {
          const system = await launchSystem({
            style,
            port: 0,
            ...broker,
            store: storeRequest(flags),
            topology,
            delivery: silentChannel,
            onStdoutLine: () => {},
          }).catch((e) => {
            throw asUsageError(e);
          });
          try {
            results.push(await runAndPrint(topology.kind === 'processes' ? `${style} · processes` : style, system.url));
          } finally {
            await system.stop();
          }
        }
      }
      if (!results.every((r) => r.ok)) process.exitCode = EXIT_FAILED;
    });
}

async function runAndPrint(label: string, baseUrl: string): Promise<ScenarioResult> {
  const out = process.stdout;
  out.write(`\ninterplay scenario · ${label} · ${baseUrl}\n\n`);
  const { runCourseScenario } = await import('../scenarios/course.ts');
  const result = await runCourseScenario({ baseUrl, onStep: (step) => out.write(renderStep(step)) });
  const passed = result.steps.filter((s) => s.ok).length;
  const failed = result.steps.length - passed;
  out.write(`\n  ${passed} passed, ${failed} failed · ${Math.round(result.durationMs)} ms\n`);
  return result;
}

export function renderStep(step: StepResult): string {
  const head = `  ${step.ok ? '✓' : '✗'} ${step.name} (${Math.round(step.durationMs)} ms)\n`;
  if (step.ok) return head;
  const lines = [`      ${step.failure}`];
  for (const x of step.exchanges ?? []) {
    lines.push(`      → ${x.request.method} ${x.request.url}${x.request.body === undefined ? '' : ` ${JSON.stringify(x.request.body)}`}`);
    lines.push(x.response ? `      ← ${x.response.status} ${JSON.stringify(x.response.body)}` : `      ← ${x.error}`);
  }
  return `${head}${lines.join('\n')}\n`;
}
