import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'test/**/*.test.ts'],
    // test/deploy needs a Docker engine and takes minutes: `npm run test:deploy` (vitest.deploy.config.ts).
    exclude: [...configDefaults.exclude, 'test/deploy/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // The JSON report lets .ci/run print one plain "N passed, N failed" line at the end.
    reporters: ['default', ['json', { outputFile: 'reports/test-results.json' }]],
  },
});
