/** Where the system runs: the topologies interplay starts itself. */
export const TOPOLOGIES = ['inproc', 'processes'] as const;
/** inproc: four services in one process; processes: each service (and replica) its own process */
export type Topology = (typeof TOPOLOGIES)[number];

/** What a load is sent to: a system interplay starts, or one running elsewhere (`--base-url`). */
export const TARGET_TOPOLOGIES = [...TOPOLOGIES, 'external'] as const;
/** external: a system running elsewhere, loaded through its gateway */
export type TargetTopology = (typeof TARGET_TOPOLOGIES)[number];
