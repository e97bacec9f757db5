import type { ExternalTopology, Replicas, SystemTopology, Topology, TopologyKind } from '../model/topology.ts';
import { UsageError } from './errors.ts';

/** The flags that say where a run's system is, as commander reads them. */
export interface TopologyFlags {
  readonly topology: TopologyKind;
  readonly replicas?: Replicas;
  readonly baseUrl?: string;
  readonly sink?: ExternalTopology['sink'];
  readonly dockerProject?: string;
}

/**
 * The topology the flags ask for, parsed once where a command reads its options: a flag that belongs
 * to another topology is refused here (one line, exit 2), and nothing after this checks again.
 */
export function parseTopology(flags: TopologyFlags): Topology {
  if (flags.topology === 'external') {
    if (!flags.baseUrl) throw new UsageError('--topology external needs --base-url');
    if (flags.replicas) throw new UsageError('--replicas needs --topology processes');
    return {
      kind: 'external',
      baseUrl: flags.baseUrl,
      ...(flags.sink ? { sink: flags.sink } : {}),
      ...(flags.dockerProject ? { dockerProject: flags.dockerProject } : {}),
    };
  }
  if (flags.baseUrl) throw new UsageError('--base-url goes with --topology external');
  if (flags.sink) throw new UsageError('--sink goes with --topology external');
  if (flags.dockerProject) throw new UsageError('--docker-project goes with --topology external');
  return systemTopology(flags.topology, flags.replicas);
}

/** A topology interplay starts itself (`up`, `dashboard`: no external). */
export function systemTopology(kind: SystemTopology['kind'], replicas: Replicas | undefined): SystemTopology {
  if (kind === 'inproc') {
    if (replicas) throw new UsageError('--replicas needs --topology processes');
    return { kind };
  }
  return { kind, ...(replicas ? { replicas } : {}) };
}
