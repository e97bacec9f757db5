// Whether dist/ was compiled from the sources as they are now. Plain JavaScript because it runs
// before anything is compiled: bin/interplay asks it on every start, scripts/build.js writes the stamp.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** written by the build into its output directory, read by bin/interplay */
export const STAMP_FILE = '.build-stamp';
/** what the compiled output depends on besides src/ */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

/**
 * A hash of the path, mtime and size of every file and directory under src/ and of the build's
 * configuration. A directory's mtime changes when an entry is added, removed or renamed, so a
 * deleted source changes the stamp too; a file restored with an older mtime still changes it,
 * which the newest mtime alone would miss. It reads no file's content: about 300 stats, a few ms.
 * @param {string} root the checkout's directory
 * @returns {string}
 */
export function sourceStamp(root) {
  const hash = createHash('sha256');
  const add = (/** @type {string} */ path) => {
    const stat = statSync(join(root, path), { throwIfNoEntry: false });
    hash.update(`${path}\0${stat ? `${stat.mtimeMs}\0${stat.size}` : '-'}\n`);
    return stat;
  };
  for (const input of INPUTS) add(input);
  const walk = (/** @type {string} */ dir) => {
    add(dir);
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else add(path);
    }
  };
  walk('src');
  return hash.digest('hex');
}

/**
 * @typedef {{ readonly kind: 'dist' | 'sources', readonly reason: string }} LoaderChoice
 * @param {string} root the checkout's directory
 * @returns {LoaderChoice}
 */
export function loaderChoice(root) {
  const main = join(root, 'dist', 'cli', 'main.js');
  // An image holds dist/ and no sources: there is nothing to be stale against.
  if (!existsSync(join(root, 'src'))) {
    return existsSync(main) ? { kind: 'dist', reason: 'no sources beside dist/' } : { kind: 'sources', reason: 'neither src/ nor dist/ (a broken install)' };
  }
  // A developer's (or a benchmark's) choice: the sources, even beside a fresh dist/.
  if (process.env.INTERPLAY_SOURCES === '1') return { kind: 'sources', reason: 'INTERPLAY_SOURCES=1' };
  if (!existsSync(main)) return { kind: 'sources', reason: 'no dist/: `npm run build` compiles it' };
  let built = '';
  try {
    built = readFileSync(join(root, 'dist', STAMP_FILE), 'utf8').trim();
  } catch {
    return { kind: 'sources', reason: 'dist/ has no build stamp (an unfinished build)' };
  }
  return built === sourceStamp(root) ? { kind: 'dist', reason: 'dist/ is fresh' } : { kind: 'sources', reason: 'src/ changed after the last `npm run build`' };
}
