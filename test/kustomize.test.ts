import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderKustomization } from './support/kustomize.ts';

// The renderer the Kubernetes tests use stands in for `kustomize build`; these pin its subset to
// kustomize's semantics (checked against kubectl 1.32's kustomize 5.5 on deploy/k8s) and its refusals.

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function tree(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'interplay-kustomize-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const KUSTOMIZATION = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n';
const CONFIG = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  STYLE: rest\n  KEEP: "1"\n  DROP: x\n';
const NAMESPACE = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n';

describe('renderKustomization', () => {
  it('puts out the objects of files and bases in order, the namespace on all but cluster-scoped ones', () => {
    const dir = tree({
      'base/kustomization.yaml': `${KUSTOMIZATION}namespace: demo\nresources:\n  - ns.yaml\n  - config.yaml\n`,
      'base/ns.yaml': NAMESPACE,
      'base/config.yaml': `${CONFIG}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app\nspec: {}\n`,
      'extra/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - s.yaml\n`,
      'extra/s.yaml': 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\n',
      'overlay/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../base\n  - ../extra\n`,
    });
    const objects = renderKustomization(join(dir, 'overlay'));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}@${o.metadata.namespace ?? '-'}`)).toEqual([
      'Namespace/demo@-',
      'ConfigMap/app@demo',
      'Service/app@demo',
      // the overlay sets no namespace, and its other base none either
      'Secret/app@-',
    ]);
  });

  it('merges a strategic-merge patch into the one object it names: maps merged, scalars replaced, null deleting', () => {
    const dir = tree({
      'kustomization.yaml': `${KUSTOMIZATION}resources:\n  - config.yaml\npatches:\n  - path: patch.yaml\n`,
      'config.yaml': CONFIG,
      'patch.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  labels:\n    tier: web\ndata:\n  STYLE: collaboration\n  DROP: null\n',
    });
    const [config] = renderKustomization(dir);
    expect(config).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', labels: { tier: 'web' } },
      data: { STYLE: 'collaboration', KEEP: '1' },
    });
  });

  it.each([
    ['a field outside the subset', `${KUSTOMIZATION}resources:\n  - config.yaml\ncommonLabels:\n  a: b\n`, {}, /"commonLabels" is outside the subset/],
    ['a patch naming no object', `${KUSTOMIZATION}resources:\n  - config.yaml\npatches:\n  - path: p.yaml\n`, { 'p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n' }, /found 0 targets/],
    ['a list in a patch', `${KUSTOMIZATION}resources:\n  - config.yaml\npatches:\n  - path: p.yaml\n`, { 'p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\nitems: [1]\n' }, /lists in patches are outside the subset/],
    ['an inline patch', `${KUSTOMIZATION}resources:\n  - config.yaml\npatches:\n  - patch: "{}"\n`, {}, /only patches given by a path/],
    ['one object listed twice', `${KUSTOMIZATION}resources:\n  - config.yaml\n  - again.yaml\n`, { 'again.yaml': CONFIG }, /listed twice/],
    ['a remote resource', `${KUSTOMIZATION}resources:\n  - https://example.com/x.yaml\n`, {}, /remote resource/],
    ['a missing resource', `${KUSTOMIZATION}resources:\n  - nothing.yaml\n`, {}, /does not exist/],
  ])('refuses %s with an error naming it', (_what, kustomization, extra, message) => {
    const dir = tree({ 'k/kustomization.yaml': kustomization, 'k/config.yaml': CONFIG, ...prefixed('k/', extra) });
    expect(() => renderKustomization(join(dir, 'k'))).toThrow(message);
  });

  it("refuses a file outside the kustomization's directory, as kustomize's load restrictor does", () => {
    const dir = tree({ 'k/kustomization.yaml': `${KUSTOMIZATION}resources:\n  - ../config.yaml\n`, 'config.yaml': CONFIG });
    expect(() => renderKustomization(join(dir, 'k'))).toThrow(/a file outside the kustomization's directory/);
  });
});

const prefixed = (prefix: string, files: Record<string, string>) =>
  Object.fromEntries(Object.entries(files).map(([path, text]) => [prefix + path, text]));
