import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STYLES, SERVICES, type Style } from '../src/model/style.ts';
import { peersOf } from '../src/runtime/peers.ts';
import { MIN_SERVICE_SECRET_LENGTH } from '../src/runtime/identity.ts';
import { findNatsServer } from '../src/runtime/nats-server.ts';
import { renderKustomization, type K8sObject } from './support/kustomize.ts';
import { schemaProblems } from './support/k8s-schema.ts';
import { unknownFieldProblems } from './support/k8s-fields.ts';
import { byKind, containerEnv, find, interplayDeployments, parseServiceEnv, portNumber, selects, serviceEnvNames, workloads, type Workload } from './support/k8s-objects.ts';
import { parseNatsUrl } from '../src/cli/options.ts';

// deploy/k8s as `kubectl apply -k deploy/k8s/overlays/<style>` would send it, checked offline: no cluster runs here.
// What a probe answers is checked in k8s-probes.test.ts.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const rendered: Record<Style, K8sObject[]> = Object.fromEntries(STYLES.map((s) => [s, renderKustomization(join(ROOT, 'deploy/k8s/overlays', s))])) as never;


describe.each(STYLES)('deploy/k8s/overlays/%s', (style) => {
  const objects = rendered[style];
  const deployments = interplayDeployments(objects);

  it('renders objects that all pass the Kubernetes OpenAPI schemas', async () => {
    expect(objects.length).toBeGreaterThan(15);
    const problems = (await Promise.all(objects.map(schemaProblems))).flat();
    expect(problems).toEqual([]);
  });

  it('sets INTERPLAY_STYLE to its style, and puts every namespaced object in the interplay namespace', () => {
    expect(find<{ data: Record<string, string> } & K8sObject>(objects, 'ConfigMap', 'interplay').data.INTERPLAY_STYLE).toBe(style);
    const stray = objects.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== 'interplay');
    expect(stray.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(find(objects, 'Namespace', 'interplay').metadata.labels).toEqual({ 'pod-security.kubernetes.io/enforce': 'restricted' });
  });

  it('runs every process from the built image, interplay:<package.json version>, as `interplay service <name>`', () => {
    for (const [kind, deployment] of deployments) {
      const [container, ...more] = deployment.spec.template.spec.containers;
      expect(more).toEqual([]);
      expect(container).toMatchObject({ image: `interplay:${VERSION}`, imagePullPolicy: 'IfNotPresent', args: [kind] });
    }
  });

  it('sets on each interplay container only environment variables `interplay service` reads', () => {
    const read = serviceEnvNames();
    expect(read).toContain('INTERPLAY_STYLE');
    expect(read).toContain('INTERPLAY_SERVICE_SECRET');
    expect(read).toContain('DATABASE_URL');
    const allowed = new Set(read);
    for (const [kind, deployment] of deployments) {
      const names = [...containerEnv(objects, deployment.spec.template.spec.containers[0]!).keys()];
      expect(names.filter((n) => !allowed.has(n)), kind).toEqual([]);
    }
  });

  it('gives each process what `interplay service` requires in this style: secret, peers, data directory, NATS', () => {
    for (const [kind, deployment] of deployments) {
      const env = containerEnv(objects, deployment.spec.template.spec.containers[0]!);
      expect(env.get('INTERPLAY_SERVICE_SECRET')?.length ?? 0, kind).toBeGreaterThanOrEqual(MIN_SERVICE_SECRET_LENGTH);
      expect(env.get('INTERPLAY_HOST')).toBe('0.0.0.0');
      for (const peer of peersOf(kind, style)) expect(env.has(`INTERPLAY_${peer.toUpperCase()}_URL`), `${kind} needs ${peer}`).toBe(true);
      if (kind === 'gateway') continue;
      expect(env.get('INTERPLAY_STORE')).toBe('postgres');
      expect(env.get('DATABASE_URL')).toMatch(/^postgres:\/\//);
      if (style !== 'rest') expect(env.get('NATS_URL'), kind).toBeTruthy();
      if (style === 'rest') expect(env.has('NATS_URL'), `${kind}: no NATS in the REST style`).toBe(false);
    }
  });

  it('starts `interplay service` with values it accepts: the command parses each container\'s environment', () => {
    for (const [kind, deployment] of deployments) {
      const env = containerEnv(objects, deployment.spec.template.spec.containers[0]!);
      // NATS_URL lists every seed, the NATS cluster's format in the shared contract; each seed is checked alone
      const seeds = env.get('NATS_URL')?.split(',') ?? [];
      for (const seed of seeds) expect(parseNatsUrl(seed)).toBe(seed);
      env.delete('NATS_URL');
      const flags = parseServiceEnv(kind, env);
      expect(flags, kind).toMatchObject({ style, host: '0.0.0.0', port: 8080 });
    }
  });

  it('points every service URL at a Service of that name and port whose pods are that service', () => {
    const services = byKind<K8sObject & { spec: { selector: Record<string, string>; ports: { port: number }[] } }>(objects, 'Service');
    for (const [kind, deployment] of deployments) {
      const env = containerEnv(objects, deployment.spec.template.spec.containers[0]!);
      for (const service of SERVICES) {
        const value = env.get(`INTERPLAY_${service.toUpperCase()}_URL`);
        if (value === undefined) continue;
        for (const url of value.split(',').map((u) => new URL(u))) {
          const target = services.find((s) => s.metadata.name === url.hostname);
          expect(target, `${kind}: ${url.href}`).toBeDefined();
          expect(target!.spec.ports.map((p) => p.port)).toContain(Number(url.port || 80));
          expect(selects(target!.spec.selector, deployments.get(service)!), `${url.hostname} selects the ${service} pods`).toBe(true);
        }
      }
    }
  });

  it("selects with every Service a workload's pods, on a port its container declares", () => {
    for (const service of byKind<K8sObject & { spec: { selector: Record<string, string>; ports: { targetPort: number | string }[] } }>(objects, 'Service')) {
      const picked = workloads(objects).filter((w) => selects(service.spec.selector, w));
      expect(picked.length, `Service/${service.metadata.name}`).toBe(1);
      const container = picked[0]!.spec.template.spec.containers[0]!;
      for (const port of service.spec.ports) expect(portNumber(container, port.targetPort), `${service.metadata.name}:${port.targetPort}`).toBeDefined();
    }
  });

  it('routes arch.homework through ingress-nginx to the gateway Service', () => {
    const [ingress, ...more] = byKind<K8sObject & { spec: any }>(objects, 'Ingress');
    expect(more).toEqual([]);
    expect(ingress!.spec.ingressClassName).toBe('nginx');
    const [rule] = ingress!.spec.rules;
    expect(rule.host).toBe('arch.homework');
    const backend = rule.http.paths[0].backend.service;
    const service = find<K8sObject & { spec: { ports: { port: number }[]; selector: Record<string, string> } }>(objects, 'Service', backend.name);
    expect(service.spec.ports.map((p) => p.port)).toContain(backend.port.number);
    expect(selects(service.spec.selector, deployments.get('gateway')!)).toBe(true);
  });

  it('runs every container as non-root on a read-only root filesystem (Pod Security "restricted"), with requests and limits, writing only to volumes', () => {
    for (const workload of workloads(objects)) {
      const pod = workload.spec.template.spec;
      const where = `${workload.kind}/${workload.metadata.name}`;
      expect(pod.securityContext?.runAsNonRoot, where).toBe(true);
      expect(pod.securityContext?.runAsUser, where).toBeGreaterThan(0);
      // the rest of Pod Security's "restricted" profile, which the namespace enforces
      expect(pod.securityContext?.seccompProfile, where).toEqual({ type: 'RuntimeDefault' });
      expect(Object.keys(pod).filter((k) => /^host/.test(k)), where).toEqual([]);
      for (const volume of pod.volumes ?? []) {
        expect(Object.keys(volume).filter((k) => k !== 'name'), `${where} volume ${volume.name}`).toEqual([expect.stringMatching(/^(emptyDir|persistentVolumeClaim|configMap|secret)$/)]);
      }
      const volumes = new Set([...(pod.volumes ?? []).map((v) => v.name), ...(workload.spec.volumeClaimTemplates ?? []).map((v) => v.metadata.name)]);
      for (const container of pod.containers) {
        expect(container.securityContext, where).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
        expect(container.securityContext?.capabilities?.add, where).toBeUndefined();
        expect(container.securityContext?.privileged, where).toBeUndefined();
        for (const side of ['requests', 'limits'] as const) expect(Object.keys(container.resources?.[side] ?? {}).sort(), `${where} ${side}`).toEqual(['cpu', 'memory']);
        for (const mount of container.volumeMounts ?? []) expect(volumes.has(mount.name), `${where} mounts ${mount.name}`).toBe(true);
      }
    }
    for (const [kind, deployment] of deployments) {
      const container = deployment.spec.template.spec.containers[0]!;
      const mounted = (path: string | undefined) => (container.volumeMounts ?? []).some((m) => m.mountPath === path);
      expect(mounted('/tmp'), `${kind} /tmp`).toBe(true);
      if (kind !== 'gateway') expect(mounted(containerEnv(objects, container).get('INTERPLAY_DATA_DIR')), `${kind} data directory`).toBe(true);
    }
  });

  it('replicates billing, order and notification with a disruption budget each, and keeps auth to one replica', () => {
    const budgets = byKind<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>(objects, 'PodDisruptionBudget');
    for (const [kind, deployment] of deployments) {
      const replicas = deployment.spec.replicas ?? 1;
      if (['billing', 'order', 'notification'].includes(kind)) expect(replicas, kind).toBeGreaterThanOrEqual(2);
      // one budget for each replicated workload; none for a single pod, where it would only block node drains
      const covered = budgets.filter((b) => selects(b.spec.selector.matchLabels, deployment)).length;
      expect(covered, `${kind} budgets`).toBe(replicas >= 2 ? 1 : 0);
    }
    expect(deployments.get('auth')!.spec.replicas).toBe(1);
  });

  it('runs PostgreSQL as a StatefulSet on a claimed volume behind a headless Service, with the password DATABASE_URL uses', () => {
    const postgres = find<Workload>(objects, 'StatefulSet', 'postgres');
    expect(postgres.spec.volumeClaimTemplates?.map((v) => v.metadata.name)).toEqual(['data']);
    expect(find<K8sObject & { spec: { clusterIP?: string } }>(objects, 'Service', postgres.spec.serviceName!).spec.clusterIP).toBe('None');
    const server = containerEnv(objects, postgres.spec.template.spec.containers[0]!);
    const url = new URL(containerEnv(objects, deployments.get('order')!.spec.template.spec.containers[0]!).get('DATABASE_URL')!);
    expect({ user: url.username, password: decodeURIComponent(url.password), host: url.hostname, port: url.port }).toEqual({
      user: server.get('POSTGRES_USER'),
      password: server.get('POSTGRES_PASSWORD'),
      host: postgres.spec.serviceName,
      port: '5432',
    });
  });

  it(style === 'rest' ? 'leaves NATS out' : 'runs NATS as 3 JetStream nodes routed to each other, and hands the services all three as seeds', () => {
    const nats = objects.filter((o) => o.metadata.name.startsWith('nats') || o.metadata.name === 'interplay-nats');
    if (style === 'rest') return expect(nats).toEqual([]);
    const set = find<Workload>(objects, 'StatefulSet', 'nats');
    expect(set.spec.replicas).toBe(3);
    const pods = new Set([0, 1, 2].map((i) => `nats-${i}.${set.spec.serviceName}`));
    expect(find<K8sObject & { spec: { clusterIP?: string } }>(objects, 'Service', set.spec.serviceName!).spec.clusterIP).toBe('None');
    const env = containerEnv(objects, deployments.get('billing')!.spec.template.spec.containers[0]!);
    expect(new Set(env.get('NATS_URL')!.split(',').map((u) => new URL(u).host))).toEqual(new Set([...pods].map((p) => `${p}:4222`)));
    expect(env.get('INTERPLAY_STREAM_REPLICAS')).toBe('3');
    const conf = find<K8sObject & { data: Record<string, string> }>(objects, 'ConfigMap', 'nats-config').data['nats.conf']!;
    expect(new Set(conf.match(/nats:\/\/[^\s\]]+/g))).toEqual(new Set([...pods].map((p) => `nats://${p}:6222`)));
    expect(conf).toMatch(/server_name: \$SERVER_NAME/);
    const container = set.spec.template.spec.containers[0]!;
    expect(container.env?.find((e) => e.name === 'SERVER_NAME')?.valueFrom).toEqual({ fieldRef: { fieldPath: 'metadata.name' } });
    const store = conf.match(/store_dir: (\S+)/)?.[1];
    const mount = container.volumeMounts?.find((m) => store?.startsWith(`${m.mountPath}/`));
    expect(set.spec.volumeClaimTemplates?.map((v) => v.metadata.name)).toContain(mount?.name);
  });
});

it('uses no field name the Kubernetes API does not know, in any overlay, while a misspelt one is found', async () => {
  // a copy of billing with a typo that the schema validators let through
  const billing = find<Workload>(rendered.collaboration, 'Deployment', 'billing');
  const [container] = billing.spec.template.spec.containers;
  const typo = { ...container, readinesProbe: container!.readinessProbe };
  const broken = { ...billing, spec: { ...billing.spec, template: { ...billing.spec.template, spec: { ...billing.spec.template.spec, containers: [typo] } } } };
  expect(await schemaProblems(broken)).toEqual([]);
  // one type-check (seconds) of every distinct object and the broken copy: the three overlays share most objects
  const distinct = new Map(STYLES.flatMap((s) => rendered[s]).map((o) => [JSON.stringify(o), o]));
  expect(unknownFieldProblems([...distinct.values(), broken])).toEqual([
    expect.stringMatching(/^Deployment\/billing: .*'"readinesProbe"' does not exist in type 'IContainer'/),
  ]);
});

it('validation against the schemas rejects a malformed object, so passing it means something', async () => {
  const billing = find<Workload>(rendered.collaboration, 'Deployment', 'billing');
  const broken = { ...billing, spec: { ...billing.spec, replicas: 'two' } } as unknown as K8sObject;
  expect(await schemaProblems(broken)).toEqual(['Deployment/billing: /spec/replicas must be integer']);
  expect(await schemaProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } })).toEqual(['Deploymnet/x: no schema for apps/v1 Deploymnet']);
});

it("gives nats-server a configuration it accepts, with each node's name from the pod", () => {
  const conf = find<K8sObject & { data: Record<string, string> }>(rendered.collaboration, 'ConfigMap', 'nats-config').data['nats.conf']!;
  const dir = mkdtempSync(join(tmpdir(), 'interplay-nats-conf-'));
  try {
    const file = join(dir, 'nats.conf');
    writeFileSync(file, conf);
    // -t only parses and checks the configuration: it listens on nothing and creates no store
    const check = (env: NodeJS.ProcessEnv) => execFileSync(findNatsServer(), ['-t', '-c', file], { env, encoding: 'utf8', stdio: 'pipe' });
    expect(() => check({ PATH: process.env['PATH'], SERVER_NAME: 'nats-0' })).not.toThrow();
    expect(() => check({ PATH: process.env['PATH'] })).toThrow(/SERVER_NAME/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
