import { defineConfig } from 'vitest/config';

// `npm run test:consumers`: the packed package installed into fresh apps
// (test/consumers/), built for production and driven in Chromium. Needs
// `npm run build` first (the tarball packs dist/).
export default defineConfig({
  test: {
    include: ['test/consumers/**/*.test.ts'],
    environment: 'node',
    globals: true,
    testTimeout: 120_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
