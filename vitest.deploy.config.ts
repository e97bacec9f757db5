import { defineConfig } from 'vitest/config';

/**
 * `npm run test:deploy`: the image and docker-compose.yml on a real Docker engine. Apart from
 * `npm test`, since it builds images and runs containers for several minutes.
 */
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 3_600_000,
    pool: 'forks',
    // One engine, one set of images: the styles run one after another.
    fileParallelism: false,
  },
});
