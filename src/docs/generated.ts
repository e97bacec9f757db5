/**
 * What the documentation generators share: stable JSON text, and writing or checking the
 * committed files (`--check` writes nothing and exits 1 naming the stale ones).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';

/** Keys sorted (those in `topLevel` first, in that order, at the top only), two-space indent, final newline. */
export function stableJson(document: unknown, topLevel: readonly string[]): string {
  const sorted = (value: unknown, top: boolean): unknown => {
    if (Array.isArray(value)) return value.map((v) => sorted(v, false));
    if (value === null || typeof value !== 'object') return value;
    const rank = (key: string) => (top && topLevel.includes(key) ? topLevel.indexOf(key) : topLevel.length);
    const keys = Object.keys(value).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(keys.map((k) => [k, sorted((value as Record<string, unknown>)[k], false)]));
  };
  return `${JSON.stringify(sorted(document, true), null, 2)}\n`;
}

/** The paths whose committed content differs from the generated one (missing files included). */
export async function staleFiles(generated: ReadonlyMap<string, string>): Promise<string[]> {
  const stale: string[] = [];
  for (const [path, content] of generated) {
    if ((await readFile(path, 'utf8').catch(() => undefined)) !== content) stale.push(path);
  }
  return stale;
}

/** What `npm run docs -- <document> [--check]` asks of a generator. */
export interface SyncRequest {
  /** write nothing; name the stale files and answer 1 */
  readonly check: boolean;
}

/** The command-line half of a generator: write the stale files, or with `check` only report them. Resolves to the exit code. */
export async function syncGenerated(opts: SyncRequest & {
  readonly what: string;
  readonly command: string;
  readonly generated: ReadonlyMap<string, string>;
}): Promise<number> {
  const stale = await staleFiles(opts.generated);
  const shown = (file: string) => relative(process.cwd(), file);
  if (opts.check) {
    if (stale.length === 0) {
      process.stdout.write(`${opts.what} are up to date\n`);
      return 0;
    }
    process.stderr.write(`stale ${opts.what} (run ${opts.command}):\n${stale.map((f) => `  ${shown(f)}\n`).join('')}`);
    return 1;
  }
  for (const path of stale) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, opts.generated.get(path) ?? '');
  }
  process.stdout.write([...opts.generated.keys()].map((p) => `${stale.includes(p) ? 'wrote    ' : 'unchanged'} ${shown(p)}\n`).join(''));
  return 0;
}
