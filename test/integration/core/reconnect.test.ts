/**
 * A token function is called again on every
 * reconnect; wrong credentials stop reconnecting and surface the error.
 */
import type { SessionState } from '../../../src/core/index.js';
import { waitForState, waitForStatus } from '../../../src/testing/index.js';
import { startTestBroker, type TestBroker } from '../../support/broker.js';
import { sessionPool } from './helpers.js';

const pool = sessionPool();
let broker: TestBroker;

beforeEach(async () => {
  // Under RabbitMQ `users` is ignored; its guest/guest are the working credentials either way.
  broker = await startTestBroker({ memory: true, users: { alice: 'token-secret' } });
});
afterEach(async () => {
  await pool.closeAll();
  await broker.close();
});

test('connectHeaders as a function is called for every connection attempt', async () => {
  let calls = 0;
  const session = pool.open(broker, {
    connectHeaders: async () => {
      calls++;
      return { login: broker.login, passcode: broker.passcode };
    },
  });
  let attempts = 0;
  let last: SessionState = session.getSnapshot();
  session.subscribe(() => {
    const now = session.getSnapshot();
    if (now.attempt > last.attempt) attempts++;
    last = now;
  });
  await waitForStatus(session, 'connected');
  attempts = Math.max(attempts, 1); // the first attempt may have started before we listened
  for (let round = 0; round < 2; round++) {
    await broker.stop();
    await waitForStatus(session, 'reconnecting', { timeout: 20_000 });
    await broker.start();
    await waitForStatus(session, 'connected', { timeout: 20_000 });
  }
  expect(calls).toBeGreaterThanOrEqual(3);
  expect(calls).toBe(attempts);
});

test('wrong credentials stop reconnecting and say why', async () => {
  let calls = 0;
  const session = pool.open(broker, {
    connectHeaders: () => {
      calls++;
      return { login: broker.login, passcode: `${broker.passcode}-expired` };
    },
  });
  const state = await waitForState(session, (s) => s.status === 'closed', { timeout: 20_000 }).catch(() => session.getSnapshot());
  expect(state.status).toBe('closed');
  expect(state.error?.kind).toBe('auth');
  expect(state.error?.message).toMatch(/access refused|login or passcode/i);
  expect(state.nextRetryAt).toBeNull();
  expect(calls).toBe(1);
  // Nothing is scheduled: retrying is the application's decision (new credentials, then connect()).
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(calls).toBe(1);
  expect(session.getSnapshot().status).toBe('closed');
});

test('a token that expires while connected stops the session at the next reconnect', async () => {
  let valid = true;
  const session = pool.open(broker, {
    connectHeaders: () => ({ login: broker.login, passcode: valid ? broker.passcode : 'expired' }),
  });
  await waitForStatus(session, 'connected');
  valid = false;
  await broker.stop();
  await waitForStatus(session, 'reconnecting', { timeout: 20_000 });
  await broker.start();
  const state = await waitForState(session, (s) => s.status === 'closed', { timeout: 20_000 }).catch(() => session.getSnapshot());
  expect(state.error?.kind).toBe('auth');
});
