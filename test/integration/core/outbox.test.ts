/**
 * Sends made in a loop while the broker is
 * stopped and restarted (same port, same data) twice arrive at a subscriber
 * exactly once each and in order.
 */
import type { IncomingMessage } from '../../../src/core/index.js';
import { startTestBroker, uniqueName, type TestBroker } from '../../support/broker.js';
import { waitForStatus } from '../../../src/testing/index.js';
import { sessionPool } from './helpers.js';

const pool = sessionPool();
let broker: TestBroker;

beforeEach(async () => {
  broker = await startTestBroker();
});
afterEach(async () => {
  await pool.closeAll();
  await broker.close();
});

test('1,000 sends across two broker restarts arrive exactly once each, in order', { timeout: 120_000 }, async () => {
  // A stream survives restarts on both brokers and keeps one order; the
  // subscriber re-reads it from the start after every reconnect and the
  // session drops what it has already delivered (by idempotency key).
  const destination = `/queue/${uniqueName('core.outbox')}`;
  const declare = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
  const receiver = pool.open(broker);
  const received: string[] = [];
  let delivered = 0;
  const allArrived = new Promise<void>((resolve) => {
    receiver.subscribe(
      destination,
      (m: IncomingMessage) => {
        received.push((m.json as { n: number }).n.toString());
        delivered++;
        m.ack();
        if (delivered === 1000) resolve();
      },
      { ...declare, ack: 'client', 'prefetch-count': '200', 'x-stream-offset': 'first' },
    );
  });
  const sender = pool.open(broker);
  await Promise.all([waitForStatus(receiver, 'connected'), waitForStatus(sender, 'connected')]);
  // Proof the outages happened: each session connects three times.
  const connects = { sender: 0, receiver: 0 };
  for (const [name, session] of [['sender', sender], ['receiver', receiver]] as const) {
    let last = session.getSnapshot().status;
    session.subscribe(() => {
      const now = session.getSnapshot().status;
      if (now === 'connected' && last !== 'connected') connects[name]++;
      last = now;
    });
  }

  const receipts: Promise<unknown>[] = [];
  for (let n = 0; n < 1000; n++) {
    if (n === 250 || n === 600) await broker.stop(); // sends before this are partly in flight
    if (n === 400 || n === 750) await broker.start();
    // Let the sender come back between the outages, so the second one also
    // cuts a live connection with sends in flight.
    if (n === 500) {
      await waitForStatus(sender, 'connected', { timeout: 20_000 });
      await waitForStatus(receiver, 'connected', { timeout: 20_000 });
    }
    if (n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    receipts.push(sender.send(destination, { n }, declare));
  }
  await Promise.all(receipts);
  await allArrived;
  expect(sender.getSnapshot().pending).toBe(0);
  // (RabbitMQ's simulated outage can cut a session once more while it resumes.)
  expect(connects.sender).toBeGreaterThanOrEqual(2);
  expect(connects.receiver).toBeGreaterThanOrEqual(2);
  expect(received).toEqual(Array.from({ length: 1000 }, (_, n) => String(n)));
  // Nothing arrives late either: one more message is the 1,001st delivery.
  await sender.send(destination, { n: 1000 }, declare);
  await vi.waitFor(() => expect(received.length).toBe(1001));
  expect(received.at(-1)).toBe('1000');
});
