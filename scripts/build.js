// `npm run build`: type-checks src/ (tsconfig.build.json), bundles each entry point with esbuild into
// dist/ and stamps the result, so bin/interplay runs dist/ only while it matches the sources.
// `--out DIR` builds elsewhere (tests). See docs/build.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundle } from '../bin/bundle.js';
import { STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--out');
const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(root, 'dist');
// `--metafile FILE`: esbuild's account of which source went into which output file, and its bytes.
const metaAt = process.argv.indexOf('--metafile');
const metafile = metaAt > 0 && process.argv[metaAt + 1] ? resolve(process.argv[metaAt + 1]) : undefined;
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
