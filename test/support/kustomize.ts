import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * Renders a kustomization the way `kustomize build` (and `kubectl apply -k`) does, for the small subset
 * deploy/k8s uses, so tests can check the manifests offline: no kustomize binary exists on the machines
 * this project is tested on, and no npm library renders kustomize.
 *
 * The subset, and kustomize's semantics for it:
 * - `resources`: files (every YAML document in them) and directories holding a kustomization, rendered first,
 *   in the order listed. A file must lie inside the kustomization's directory (kustomize's default load
 *   restrictor); a directory may lie anywhere. Two objects with one kind, namespace and name are an error.
 * - `namespace`: set on every namespaced object the kustomization puts out, its bases' included; cluster-scoped
 *   kinds keep none.
 * - `patches` given by `path`: a strategic-merge patch naming exactly one object by apiVersion, kind and name.
 *   Within this subset it merges maps key by key, replaces scalars, and deletes a key whose value is null.
 * Anything else (another field, a list or a `$patch` directive inside a patch, a remote resource, an inline or
 * targeted patch) is refused with an error naming it, never rendered differently from kustomize.
 */

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'patches']);

/** the cluster-scoped kinds a namespace must not be set on; the subset renders no custom resources */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'PriorityClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

export class KustomizeError extends Error {}

/** Every object `kustomize build dir` would put out, in the order the resources list them. */
export function renderKustomization(dir: string): K8sObject[] {
  const root = resolve(dir);
  const file = KUSTOMIZATION_FILES.map((name) => join(root, name)).find(isFile);
  if (!file) throw new KustomizeError(`${root}: no kustomization.yaml`);
  const spec = readYaml(file)[0] as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') throw new KustomizeError(`${file}: not a mapping`);
  for (const field of Object.keys(spec)) {
    if (!KNOWN_FIELDS.has(field)) throw new KustomizeError(`${file}: "${field}" is outside the subset this renderer implements`);
  }
  const objects: K8sObject[] = [];
  for (const entry of asStrings(spec['resources'] ?? [], `${file}: resources`)) {
    for (const object of loadResource(root, entry, file)) addUnique(objects, object, file);
  }
  for (const patch of asList(spec['patches'] ?? [], `${file}: patches`)) {
    applyPatch(objects, root, patch, file);
  }
  const namespace = spec['namespace'];
  if (namespace !== undefined) {
    if (typeof namespace !== 'string' || namespace === '') throw new KustomizeError(`${file}: namespace must be a name`);
    return objects.map((object) => (CLUSTER_SCOPED.has(object.kind) ? object : { ...object, metadata: { ...object.metadata, namespace } }));
  }
  return objects;
}

function loadResource(root: string, entry: string, file: string): K8sObject[] {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('github.com/')) {
    throw new KustomizeError(`${file}: remote resource ${entry} is outside the subset`);
  }
  const path = resolve(root, entry);
  if (isDirectory(path)) return renderKustomization(path);
  if (!isFile(path)) throw new KustomizeError(`${file}: resource ${entry} does not exist`);
  if (!inside(root, path)) throw new KustomizeError(`${file}: ${entry} is a file outside the kustomization's directory`);
  return readYaml(path).map((doc, i) => asObject(doc, `${path} document ${i + 1}`));
}

function applyPatch(objects: K8sObject[], root: string, entry: unknown, file: string): void {
  if (!entry || typeof entry !== 'object' || Object.keys(entry).join() !== 'path') {
    throw new KustomizeError(`${file}: only patches given by a path alone are in the subset`);
  }
  const path = resolve(root, String((entry as { path: unknown }).path));
  if (!inside(root, path)) throw new KustomizeError(`${file}: patch ${path} lies outside the kustomization's directory`);
  const docs = readYaml(path);
  if (docs.length !== 1) throw new KustomizeError(`${path}: a patch file holds one object`);
  const patch = asObject(docs[0], path);
  const matches = objects.filter(
    (o) =>
      o.kind === patch.kind &&
      group(o.apiVersion) === group(patch.apiVersion) &&
      o.metadata.name === patch.metadata.name &&
      (patch.metadata.namespace === undefined || o.metadata.namespace === patch.metadata.namespace),
  );
  if (matches.length !== 1) {
    throw new KustomizeError(`${path}: found ${matches.length} targets for ${patch.kind}/${patch.metadata.name}, need exactly one`);
  }
  const target = matches[0]!;
  objects[objects.indexOf(target)] = mergeMaps(target, patch, path) as K8sObject;
}

/** A strategic merge of two maps without lists: what kustomize does for maps, scalars and null. */
export function mergeMaps(base: Record<string, unknown>, patch: Record<string, unknown>, where: string): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) throw new KustomizeError(`${where}: the directive ${key} is outside the subset`);
    if (Array.isArray(value)) throw new KustomizeError(`${where}: "${key}" is a list; lists in patches are outside the subset`);
    if (value === null) {
      delete merged[key];
    } else if (isMap(value) && isMap(merged[key])) {
      merged[key] = mergeMaps(merged[key] as Record<string, unknown>, value, where);
    } else {
      merged[key] = value;
    }
  }
  return merged;
}

function addUnique(objects: K8sObject[], object: K8sObject, file: string): void {
  const id = (o: K8sObject) => `${group(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  if (objects.some((o) => id(o) === id(object))) throw new KustomizeError(`${file}: ${object.kind}/${object.metadata.name} is listed twice`);
  objects.push(object);
}

function readYaml(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  if (!Array.isArray(docs)) throw new KustomizeError(`${path}: not YAML documents`);
  const values: unknown[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new KustomizeError(`${path}: ${doc.errors[0]!.message}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}

function asObject(doc: unknown, where: string): K8sObject {
  const o = doc as Partial<K8sObject> | null;
  if (!isMap(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
    throw new KustomizeError(`${where}: not a Kubernetes object (apiVersion, kind and metadata.name)`);
  }
  return o as K8sObject;
}

function asList(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new KustomizeError(`${where} must be a list`);
  return value;
}

function asStrings(value: unknown, where: string): string[] {
  const list = asList(value, where);
  if (list.some((v) => typeof v !== 'string')) throw new KustomizeError(`${where} must be a list of paths`);
  return list as string[];
}

/** "apps/v1" → "apps"; "v1" → "" (the core group). Kustomize matches a patch by group, kind and name. */
const group = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');
const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const inside = (root: string, path: string) => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
};
const isFile = (path: string) => statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
const isDirectory = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
