// The node_modules a built dist/ needs at run time: the packages the bundle leaves external
// (bin/bundle.js) that are installed, and the dependencies they in turn require, as installed. Prints
// one directory a line, relative to the checkout, for the image's build stage to copy
// (Dockerfile). Plain JavaScript: it runs where nothing is compiled.
//
//   node scripts/runtime-modules.js [ROOT]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { EXTERNAL_PACKAGES } from '../bin/bundle.js';

const [given] = new Command('runtime-modules')
  .description('list the node_modules directories a built dist/ needs at run time, one a line')
  .argument('[root]', 'the checkout (default: this one)')
  .configureOutput({ outputError: (text, write) => write(`runtime-modules: ${text.replace(/^error: /, '')}`) })
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse(process.argv).args;
const root = resolve(given ?? join(dirname(fileURLToPath(import.meta.url)), '..'));

/** Node's lookup from `from` upwards: the nearest node_modules/NAME, or undefined when not installed. */
function installed(name, from) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root || dirname(dir) === dir) return undefined;
  }
}

/** better-sqlite3's fallback for fetching a prebuilt binary at install time; never loaded at run time. */
const INSTALL_ONLY = new Set(['prebuild-install']);

const found = new Set();
const visit = (dir) => {
  if (found.has(dir)) return;
  found.add(dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  // Optional dependencies that are installed are the platform's binary (@node-rs/argon2-linux-x64-gnu).
  for (const name of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    if (INSTALL_ONLY.has(name)) continue;
    const at = installed(name, dir);
    if (at) visit(at);
  }
};
for (const name of EXTERNAL_PACKAGES) {
  const at = installed(name, root);
  if (at) visit(at);
}
process.stdout.write([...found].map((dir) => relative(root, dir)).sort().join('\n') + '\n');
