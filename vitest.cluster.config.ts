import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: a three-node RabbitMQ cluster on this machine
// (scripts/rabbitmq-cluster, started before the files and stopped after).
// test/cluster/ kills and stops nodes under chatting users; the session
// integration suite of `npm run test:interop` runs again with every session
// given the three nodes' endpoints (STOMPKIT_TEST_BROKER=rabbitmq-cluster in
// test/support/broker.ts). Files run one after another: node outages and the
// simulated outage are cluster-wide.
process.env.STOMPKIT_TEST_BROKER = 'rabbitmq-cluster';

export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.{ts,tsx}', 'test/integration/core/**/*.test.{ts,tsx}'],
    environment: 'node',
    globals: true,
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/cluster/global-setup.ts'],
    env: { STOMPKIT_TEST_BROKER: 'rabbitmq-cluster' },
    // Node restarts and rabbitmqctl runs take seconds each on a loaded
    // machine: generous ceilings, not thresholds.
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
