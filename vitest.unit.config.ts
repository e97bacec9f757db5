import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the tests that need nothing but Node — no nats-server, no PostgreSQL, no
 * Chromium, no tmux, no child system — in well under a minute. Storage tests run on SQLite only here;
 * `npm test` (vitest.config.ts) runs everything, these included, on both stores. docs/testing.md
 * lists the lanes.
 */
export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'src/**/*.test.tsx',
      // The manifests and the documentation's own links (the generated documents' tests are in src/docs/).
      'test/kustomize.test.ts',
      'test/docs-links.test.ts',
      'test/layers.test.ts',
    ],
    exclude: [...configDefaults.exclude],
    env: { INTERPLAY_TEST_STORES: 'sqlite' },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files share their worker's loaded modules instead of importing everything again per file: the
    // lane's import time falls from about 19 s to 6 s, which keeps it under a minute on two busy cores.
    // Every file passed in shuffled orders this way (--sequence.shuffle); `npm test` keeps isolation.
    isolate: false,
  },
});
