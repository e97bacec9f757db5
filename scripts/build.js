// `npm run build`: compiles src/ to dist/ with tsconfig.build.json and stamps the result, so
// bin/interplay runs dist/ only while it matches the sources. `--out DIR` builds elsewhere (tests).
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STAMP_FILE, sourceStamp } from '../bin/source-stamp.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = process.argv.indexOf('--out');
const out = at > 0 && process.argv[at + 1] ? resolve(process.argv[at + 1]) : join(root, 'dist');
// Taken before compiling: a source saved during the build leaves dist/ stale, never wrongly fresh.
const stamp = sourceStamp(root);
// A whole rebuild: a deleted or renamed source must not leave its old output behind to be imported.
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { stdio: 'inherit' });
if (run.status !== 0) {
  process.stderr.write(`interplay build: tsc failed; ${out} has no stamp, so bin/interplay keeps running the sources\n`);
  process.exit(run.status ?? 1);
}
writeFileSync(join(out, STAMP_FILE), `${stamp}\n`);
