// `npm run build`: type-checks src/ (tsconfig.build.json), bundles each entry point with esbuild into
// dist/ and stamps the result, so bin/interplay runs dist/ only while it matches the sources.
// `--out DIR` builds elsewhere (tests). See docs/build.md.
import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../bin/bundle.js';
import { STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const flags = new Command('build')
  .description('type-check src/, bundle it into dist/ and stamp it (docs/build.md)')
  .option('--out <dir>', 'build here instead of dist/')
  .option('--metafile <file>', "also write esbuild's account of which source went into which output file, and its bytes")
  .configureOutput({ outputError: (text, write) => write(`interplay build: ${text.replace(/^error: /, '')}`) })
  // Bad input is one line and exit code 2, as on every command; --help exits 0.
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse(process.argv)
  .opts();
const out = flags.out ? resolve(flags.out) : join(root, 'dist');
const metafile = flags.metafile ? resolve(flags.metafile) : undefined;
// Taken before compiling: a source saved during the build leaves dist/ stale, never wrongly fresh.
const stamp = sourceStamp(root);
// A whole rebuild: a deleted or renamed source must not leave its old output behind to be imported.
rmSync(out, { recursive: true, force: true });
// Empty until stamped: a failed build leaves an empty dist/, which bin/interplay does not build on demand.
mkdirSync(out, { recursive: true });
const fail = (what) => {
  process.stderr.write(`interplay build: ${what} failed; ${out} has no stamp, so bin/interplay keeps running the sources\n`);
  process.exit(1);
};

// esbuild strips types without checking them: a build with type errors is no build.
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const check = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noEmit'], { stdio: 'inherit' });
if (check.status !== 0) fail('the type check');

try {
  const result = await bundle(root, out, { metafile: metafile !== undefined });
  if (metafile) writeFileSync(metafile, JSON.stringify(result.metafile));
} catch {
  fail('esbuild');
}
writeFileSync(join(out, STAMP_FILE), `${stamp}\n`);
