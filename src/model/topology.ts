/** Where the system runs: the names of the topologies interplay starts itself (`--topology`). */
export const TOPOLOGIES = ['inproc', 'processes'] as const;

/** What a load is sent to: a system interplay starts, or one running elsewhere (`--base-url`). */
export const TARGET_TOPOLOGIES = [...TOPOLOGIES, 'external'] as const;
export type TopologyKind = (typeof TARGET_TOPOLOGIES)[number];

/** instances per service, e.g. { billing: 3, order: 2 } (auth and the gateway run once) */
export type Replicas = Readonly<Record<string, number>>;

/**
 * A topology interplay starts itself. inproc: four services and the gateway in one process;
 * processes: each service (and replica) its own process, under a supervisor.
 */
export type SystemTopology = { readonly kind: 'inproc' } | { readonly kind: 'processes'; readonly replicas?: Replicas };

/** A system running elsewhere, loaded through its gateway. */
export interface ExternalTopology {
  readonly kind: 'external';
  /** the gateway's base URL */
  readonly baseUrl: string;
  /** where the delivery sink listens (the system's --webhook points at it); default a free loopback port */
  readonly sink?: { readonly host: string; readonly port: number };
  /** a compose project whose containers' CPU and memory the Docker engine reports, per compose service */
  readonly dockerProject?: string;
}

/** Where a run's system is: parsed once from the flags, so an impossible combination cannot be written. */
export type Topology = SystemTopology | ExternalTopology;

export const INPROC: SystemTopology = { kind: 'inproc' };
export const PROCESSES: SystemTopology = { kind: 'processes' };

/** The flags `interplay up` is given for a topology it starts (a child system, a supervised process). */
export function topologyArgs(topology: SystemTopology): string[] {
  if (topology.kind === 'inproc') return ['--topology', 'inproc'];
  const replicas = Object.entries(topology.replicas ?? {});
  return ['--topology', 'processes', ...(replicas.length > 0 ? ['--replicas', replicas.map(([s, n]) => `${s}=${n}`).join(',')] : [])];
}
