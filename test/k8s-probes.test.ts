import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROCESS_KINDS } from '../src/runtime/peers.ts';
import { startSystem, type RunningSystem } from '../src/runtime/system.ts';
import { STYLES } from '../src/model/style.ts';
import { containerEnv, interplayDeployments, portNumber, type Probe } from './support/k8s-objects.ts';
import { renderKustomization } from './support/kustomize.ts';
import { cheapHasher } from './support/builders.ts';

// Every probe the manifests give an interplay container must hit something the process serves: the port it
// listens on (INTERPLAY_PORT), and an HTTP path that a real composed system answers with 200 when healthy.

const PROBES = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;

/** every probe of every interplay container, in every overlay */
const probes = STYLES.flatMap((style) => {
  const objects = renderKustomization(fileURLToPath(new URL(`../deploy/k8s/overlays/${style}`, import.meta.url)));
  return [...interplayDeployments(objects)].flatMap(([kind, deployment]) => {
    const container = deployment.spec.template.spec.containers[0]!;
    const listens = Number(containerEnv(objects, container).get('INTERPLAY_PORT'));
    return PROBES.map((which) => ({ style, kind, which, probe: container[which] as Probe | undefined, port: (p: number | string) => portNumber(container, p), listens }));
  });
});

describe('the probes of the interplay containers', () => {
  let system: RunningSystem;
  beforeAll(async () => {
    system = await startSystem({ style: 'rest', hasher: cheapHasher, logLevel: 'fatal' });
  });
  afterAll(() => system?.stop());

  it('are all set, and each names the port the process listens on', () => {
    for (const { style, kind, which, probe, port, listens } of probes) {
      const where = `${style} ${kind} ${which}`;
      expect(probe, where).toBeDefined();
      const target = probe!.httpGet?.port ?? probe!.tcpSocket?.port;
      expect(port(target!), where).toBe(listens);
    }
  });

  it.each(PROCESS_KINDS)('ask the %s process for paths it answers with 200 when the system is up', async (kind) => {
    const paths = new Set(probes.filter((p) => p.kind === kind).flatMap((p) => (p.probe?.httpGet ? [p.probe.httpGet.path] : [])));
    // the gateway's /health gates its start; every service is probed on /health
    expect(paths.size, kind).toBeGreaterThan(0);
    const base = kind === 'gateway' ? system.url : system.services[kind];
    for (const path of paths) {
      const res = await fetch(base + path, { signal: AbortSignal.timeout(5_000) });
      expect(res.status, `${kind} GET ${path}`).toBe(200);
    }
  });
});
