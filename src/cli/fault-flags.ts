import { InvalidArgumentError } from 'commander';
import { COMPONENTS, type Component } from '../scenarios/faults.ts';
import { STYLES, type Style } from '../transports/wiring.ts';
import { UsageError } from './errors.ts';
import type { LoadFlags } from './load-flags.ts';

/** "rest,collaboration" → the styles, each once */
export function parseStyles(value: string): Style[] {
  const styles = value.split(',').map((s) => s.trim());
  const bad = styles.filter((s) => !(STYLES as readonly string[]).includes(s));
  if (bad.length > 0 || styles.length === 0) throw new InvalidArgumentError(`must be a comma-separated list of ${STYLES.join(', ')}.`);
  return [...new Set(styles)] as Style[];
}

/**
 * Faults need what only the processes topology has: one process per service for the supervisor to
 * stop or kill, and our own broker to restart. The load flags that do not fit an open-loop fault run
 * are refused before anything starts.
 */
export function checkFaultLoad(command: string, flags: LoadFlags): void {
  if (flags.topology === 'inproc') throw new UsageError(`${command} needs --topology processes: in one process, one service cannot die alone`);
  if (flags.topology === 'external') throw new UsageError(`${command} needs --topology processes: it stops and restarts services it started itself`);
  if (flags.connections !== undefined) throw new UsageError(`${command} runs an open loop at --rate; it cannot go with --connections`);
  if (flags.findMax) throw new UsageError(`${command} runs at one --rate; it cannot go with --find-max`);
}


/** "billing,nats" → the components, each once; an unknown name is refused with the list of known ones */
export function parseComponents(value: string): Component[] {
  const names = value.split(',').map((s) => s.trim());
  const bad = names.filter((s) => !(COMPONENTS as readonly string[]).includes(s));
  if (bad.length > 0 || names.length === 0) {
    throw new InvalidArgumentError(`"${bad.join(',')}" is not a component; choose from ${COMPONENTS.join(', ')}.`);
  }
  return [...new Set(names)] as Component[];
}
