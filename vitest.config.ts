import { defineConfig } from 'vitest/config';

// One config for `npm test` (unit, integration over real sockets, jsdom
// component tests, stories as tests) and `npm run test:interop`, which runs the
// same integration files against RabbitMQ (STOMPKIT_TEST_BROKER=rabbitmq).
// React test files opt into jsdom with a `// @vitest-environment jsdom` docblock.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    // interop: RabbitMQ only, `npm run test:interop`; consumers: the packed package, `npm run test:consumers`;
    // cluster: three RabbitMQ nodes, `npm run test:cluster`.
    exclude: ['test/browser/**', 'test/interop/**', 'test/consumers/**', 'test/cluster/**', 'node_modules/**'],
    environment: 'node',
    globals: true,
    setupFiles: ['test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
