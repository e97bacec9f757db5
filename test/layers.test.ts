import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The house's one-way arrows (docs/ARCHITECTURE.md, "Layers"): a folder of src/ imports only the folders
 * below it, and no files import each other in a circle, `import type` included (a circle through types
 * still ties the files' meaning together).
 */
const LAYERS = ['model', 'platform', 'services', 'transports', 'runtime', 'analyse', 'scenarios', 'measure', 'simulate', 'report', 'dashboard', 'cli', 'docs'];

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*'(\.[^']+)'|import\(\s*'(\.[^']+)'\s*\)/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.startsWith('test-') ? [path] : [];
  });
}

/** file (relative to src/) → the files of src/ it imports */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(IMPORT)]
      .map((m) => normalize(join(dirname(file), m[1] ?? m[2]!)))
      .filter((target) => target.startsWith(SRC))
      .map((target) => relative(SRC, target));
    graph.set(relative(SRC, file), [...new Set(targets)]);
  }
  return graph;
}

const graph = importGraph();
const layerOf = (file: string): string => file.split('/')[0]!;

describe('the import graph of src/', () => {
  it('reads every file and its imports', () => {
    expect(graph.size).toBeGreaterThan(250);
    expect(graph.get('cli/main.ts')?.length).toBeGreaterThan(3);
    for (const file of graph.keys()) expect(LAYERS, `${file} is in no layer`).toContain(layerOf(file));
  });

  it('has no import that runs back up a layer', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file))).map((target) => `${file} -> ${target}`),
    );
    expect(upward).toEqual([]);
  });

  it('has no circle of files', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string): void => {
      state.set(file, 'open');
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') circles.push([...path.slice(path.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
