import { defineConfig } from 'vitest/config';

// `npm run test:browser`: Playwright (playwright-core) driving Debian's
// Chromium against the demo served by Vite with the dev broker, and against a
// static Storybook build. Node environment: the tests drive the browser, they
// do not run in it. Every file starts its own servers and brokers on port 0,
// so two files run side by side: much of the suite is waiting out real time
// (outages, reconnects, play functions), which leaves the two cores room.
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    globals: true,
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: true,
    maxWorkers: 2,
    pool: 'forks',
  },
});
