import type { K8sObject } from './kustomize.ts';

/** the API groups deploy/k8s uses; an object of any other has no schema here, and is reported so */
const MODELS: Record<string, () => Promise<unknown>> = {
  v1: () => import('kubernetes-models/v1'),
  'apps/v1': () => import('kubernetes-models/apps/v1'),
  'policy/v1': () => import('kubernetes-models/policy/v1'),
  'networking.k8s.io/v1': () => import('kubernetes-models/networking.k8s.io/v1'),
  'batch/v1': () => import('kubernetes-models/batch/v1'),
};

/**
 * Checks an object against the Kubernetes OpenAPI schema of its apiVersion and kind, offline, with the
 * validators kubernetes-models ships (compiled from the Kubernetes 1.27 OpenAPI document). They check
 * types, formats, enums and required fields; they do not refuse unknown fields (the schemas allow them).
 * Returns the problems found, each "kind/name: path message"; none when the object is valid.
 */
export async function schemaProblems(object: K8sObject): Promise<string[]> {
  const where = `${object.kind}/${object.metadata.name}`;
  const module = (await MODELS[object.apiVersion]?.()) as Record<string, new (data: unknown) => { validate(): void }> | undefined;
  const Model = module?.[object.kind];
  if (!Model) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: { instancePath: string; message?: string }[] }).errors;
    if (!errors) return [`${where}: ${(error as Error).message}`];
    return errors.map((e) => `${where}: ${e.instancePath} ${e.message ?? 'is invalid'}`);
  }
}
