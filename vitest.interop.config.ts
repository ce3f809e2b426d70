import { defineConfig } from 'vitest/config';

// `npm run test:interop`: the very same session and chat integration
// files as `npm test`, against the local RabbitMQ (Web-STOMP
// ws://127.0.0.1:15674/ws), plus test/interop/ (RabbitMQ-only checks such as
// the demo users' permissions). test/support/broker.ts picks RabbitMQ from
// STOMPKIT_TEST_BROKER, set here so the CLI needs no environment.
// Files run one after another: the simulated outage (`rabbitmqctl
// suspend_listeners` + `close_all_connections`) is node-wide and would cut
// other files' connections. Run `scripts/rabbitmq-setup` first.
process.env.STOMPKIT_TEST_BROKER = 'rabbitmq';

export default defineConfig({
  test: {
    include: [
      'test/integration/core/**/*.test.{ts,tsx}',
      'test/integration/chat/**/*.test.{ts,tsx}',
      'test/interop/**/*.test.{ts,tsx}',
    ],
    environment: 'node',
    globals: true,
    setupFiles: ['test/setup.ts'],
    env: { STOMPKIT_TEST_BROKER: 'rabbitmq' },
    // Each simulated outage is three `rabbitmqctl` runs (an Erlang VM start
    // each, seconds on a loaded machine): generous ceilings, not thresholds.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
