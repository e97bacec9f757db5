import { Command } from 'commander';
import { registerService } from '../../src/cli/service.ts';
import { PROCESS_KINDS, type ProcessKind } from '../../src/runtime/peers.ts';
import type { K8sObject } from './kustomize.ts';

/** Reading rendered Kubernetes objects the way the kubelet would: which env a container gets, which pods a selector picks. */

export interface Container {
  readonly name: string;
  readonly image?: string;
  readonly imagePullPolicy?: string;
  readonly args?: string[];
  readonly command?: string[];
  readonly ports?: { name?: string; containerPort: number }[];
  readonly env?: { name: string; value?: string; valueFrom?: any }[];
  readonly envFrom?: { configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }[];
  readonly startupProbe?: Probe;
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readonly securityContext?: Record<string, any>;
  readonly volumeMounts?: { name: string; mountPath: string }[];
}
export interface Probe {
  readonly httpGet?: { path: string; port: number | string };
  readonly tcpSocket?: { port: number | string };
  readonly exec?: { command: string[] };
}
export interface PodSpec {
  readonly containers: Container[];
  readonly volumes?: { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string } }[];
  readonly securityContext?: Record<string, any>;
}
/** a Deployment or StatefulSet */
export interface Workload extends K8sObject {
  readonly spec: {
    replicas?: number;
    serviceName?: string;
    selector: { matchLabels: Record<string, string> };
    template: { metadata: { labels: Record<string, string> }; spec: PodSpec };
    volumeClaimTemplates?: { metadata: { name: string } }[];
  };
}

export const byKind = <T extends K8sObject = K8sObject>(objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind) as T[];

export function find<T extends K8sObject = K8sObject>(objects: readonly K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the rendered objects`);
  return found as T;
}

export const workloads = (objects: readonly K8sObject[]) => [...byKind<Workload>(objects, 'Deployment'), ...byKind<Workload>(objects, 'StatefulSet')];

/** The Deployment of each interplay process (the four services and the gateway), by process kind. */
export function interplayDeployments(objects: readonly K8sObject[]): Map<ProcessKind, Workload> {
  return new Map(PROCESS_KINDS.map((kind) => [kind, find<Workload>(objects, 'Deployment', kind)]));
}

/** A Secret's or ConfigMap's values as the container would see them. */
function values(object: K8sObject): Record<string, string> {
  const o = object as { data?: Record<string, string>; stringData?: Record<string, string> };
  if (object.kind === 'ConfigMap') return { ...o.data };
  const decoded = Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  return { ...decoded, ...o.stringData };
}

/**
 * The environment a container starts with: envFrom sources in order, then env, later ones winning, as the
 * kubelet builds it. An optional source that is absent adds nothing; a required one that is absent is an error,
 * as it keeps the pod from starting.
 */
export function containerEnv(objects: readonly K8sObject[], container: Container): Map<string, string> {
  const env = new Map<string, string>();
  const source = (kind: string, ref: { name: string; optional?: boolean }) => {
    const object = objects.find((o) => o.kind === kind && o.metadata.name === ref.name);
    if (!object && !ref.optional) throw new Error(`${container.name}: ${kind} ${ref.name} does not exist`);
    return object ? values(object) : {};
  };
  for (const from of container.envFrom ?? []) {
    const [kind, ref] = from.configMapRef ? ['ConfigMap', from.configMapRef] : ['Secret', from.secretRef!];
    for (const [name, value] of Object.entries(source(kind, ref))) env.set(name, value);
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    if (ref) {
      const value = source(variable.valueFrom.secretKeyRef ? 'Secret' : 'ConfigMap', ref)[ref.key];
      if (value === undefined) throw new Error(`${container.name}: ${variable.name} names the missing key ${ref.key} of ${ref.name}`);
      env.set(variable.name, value);
    } else {
      env.set(variable.name, variable.value ?? '');
    }
  }
  return env;
}

/** Whether a selector picks the pods a workload makes. */
export const selects = (selector: Record<string, string>, workload: Workload) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => workload.spec.template.metadata.labels[k] === v);

/** A probe's or Service's port, by number or by the container port's name. */
export function portNumber(container: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/**
 * Every environment variable `interplay service` reads, from the command itself: each option's env name and
 * the names its help text lists as environment only (`interplay service --help`).
 */
export function serviceEnvNames(): Set<string> {
  const cli = new Command('interplay');
  registerService(cli);
  const service = cli.commands.find((c) => c.name() === 'service');
  if (!service) throw new Error('no service command');
  let help = '';
  service.configureOutput({ writeOut: (text) => void (help += text), writeErr: (text) => void (help += text) });
  service.outputHelp();
  const fromOptions = service.options.flatMap((o) => (o.envVar ? [o.envVar] : []));
  const fromHelp = help.match(/\b(?:INTERPLAY|NATS|DATABASE)_[A-Z_]+\b/g) ?? [];
  return new Set([...fromOptions, ...fromHelp]);
}

/**
 * Parses `interplay service <kind>` with exactly this environment, as the container would start it, and returns
 * the options the command got; throws the command's one-line error when an env value is refused (a style or
 * log level it does not know, a port or URL it cannot parse). The service itself is not started.
 */
export function parseServiceEnv(kind: string, env: ReadonlyMap<string, string>): Record<string, unknown> {
  const cli = new Command('interplay');
  registerService(cli);
  const service = cli.commands.find((c) => c.name() === 'service')!;
  let flags: Record<string, unknown> | undefined;
  for (const command of [cli, service]) command.exitOverride().configureOutput({ writeOut: () => {}, writeErr: () => {} });
  service.action((_name: string, options: Record<string, unknown>) => void (flags = options));
  const saved = process.env;
  // commander reads each option's env var from process.env while parsing
  process.env = Object.fromEntries(env);
  try {
    cli.parse(['service', kind], { from: 'user' });
  } finally {
    process.env = saved;
  }
  if (!flags) throw new Error(`interplay service ${kind} did not run its action`);
  return flags;
}
