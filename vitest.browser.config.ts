import { defineConfig } from 'vitest/config';

// `npm run test:browser`: Playwright (playwright-core) driving Debian's
// Chromium against the demo served by Vite with the dev broker, and against a
// static Storybook build. Node environment: the tests drive the browser, they
// do not run in it. Files run one after another because each starts its own
// Vite server and Chromium on a two-core machine.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    globals: true,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
