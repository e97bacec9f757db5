import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * What a reader follows in the documentation must be there: every relative link (and its #anchor,
 * when it points into a Markdown file) and every repository path written in `code`.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = [
  'README.md',
  'README.ru.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** Outside fenced code blocks, which hold commands, output and diagrams rather than references. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = heading!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Links written as [text](target), without the web ones. */
function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Top-level folders and files of the repository, and the folders under src/ (docs name those from src/). */
const TOP = new Set(readdirSync(ROOT).filter((f) => f !== 'node_modules' && f !== 'dist'));
const SRC = new Set(readdirSync(join(ROOT, 'src')));

/**
 * Code spans that are repository paths: a known top-level folder (or a folder of src/) followed by
 * plain path segments. Placeholders (`reports/<time>/`), globs, routes (`/orders`) and media types
 * do not match; build output (dist/) and what a run writes under reports/ are not in the repository.
 */
function namedPaths(markdown: string): string[] {
  return [...prose(markdown).matchAll(/`([^`\s]+)`/g)]
    .map((m) => m[1]!.replace(/[.,:;]$/, ''))
    .filter((token) => /^[\w.-]+(\/[\w.@-]+)*\/?$/.test(token) && token.includes('/'))
    .filter((token) => {
      const first = token.split('/')[0]!;
      return (TOP.has(first) || SRC.has(first)) && first !== 'reports';
    });
}

const exists = (path: string) => existsSync(path);

describe.each(DOCS)('%s', (doc) => {
  const file = join(ROOT, doc);
  const markdown = readFileSync(file, 'utf8');

  it('links only to files and headings that exist', () => {
    const broken: string[] = [];
    for (const link of relativeLinks(markdown)) {
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? file : join(dirname(file), decodeURIComponent(path));
      if (!exists(target)) {
        broken.push(`${link}: no ${relative(ROOT, target)}`);
        continue;
      }
      if (anchor && target.endsWith('.md') && statSync(target).isFile() && !anchors(readFileSync(target, 'utf8')).has(anchor)) {
        broken.push(`${link}: ${relative(ROOT, target)} has no heading #${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('names only paths that exist', () => {
    const missing = namedPaths(markdown).filter((path) => {
      const candidates = [join(ROOT, path), join(dirname(file), path), join(ROOT, 'src', path)];
      return !candidates.some(exists);
    });
    expect([...new Set(missing)]).toEqual([]);
  });
});
