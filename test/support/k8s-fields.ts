import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { K8sObject } from './kustomize.ts';

/**
 * Finds field names the Kubernetes API does not know (a `readinesProbe`, a `replica`), which the schema
 * validators of kubernetes-models let through: their schemas allow extra properties, while the API server
 * (kubectl's default --validate=strict) refuses them. It type-checks each object as an object literal of the
 * kind's interface from kubernetes-models' declarations, whose excess-property check finds an unknown field at
 * any depth. The declarations follow the same OpenAPI document, so they know exactly the fields it knows.
 * TypeScript stops at the first mismatch of each object, so an object with several unknown fields (or mistyped
 * values) is reported once, naming the first: "kind/name: message". None when every field is known.
 */
export function unknownFieldProblems(objects: readonly K8sObject[]): string[] {
  // beside this file, inside the project, so that `kubernetes-models` resolves from its node_modules; never written
  const file = (i: number) => fileURLToPath(new URL(`.k8s-object-${i}.ts`, import.meta.url));
  const sources = new Map(
    objects.map((object, i) => [
      file(i),
      `import type { I${object.kind} } from 'kubernetes-models/${object.apiVersion}/${object.kind}';\n` +
        `export const object: I${object.kind} = ${JSON.stringify(object)};\n`,
    ]),
  );
  const options: ts.CompilerOptions = {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = (name) => sources.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => sources.get(name) ?? readFile(name);
  host.getSourceFile = (name, version) => {
    const text = sources.get(name);
    return text === undefined ? getSourceFile(name, version) : ts.createSourceFile(name, text, version);
  };
  const program = ts.createProgram([...sources.keys()], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const index = objects.findIndex((_, i) => diagnostic.file?.fileName === file(i));
    const where = index >= 0 ? `${objects[index]!.kind}/${objects[index]!.metadata.name}` : (diagnostic.file?.fileName ?? 'the check');
    // the first line names the field; the rest of the chain repeats the types it was checked against
    return `${where}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n').at(-1)!.trim()}`;
  });
}
