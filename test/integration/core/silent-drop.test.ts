/**
 * The outage users meet most: the network goes silent without closing
 * anything (a dead Wi-Fi, a sleeping NAT). A TCP proxy between the sender and
 * the broker stops forwarding both ways, sends are made right after the drop
 * (no waiting for the session to notice), and the silence outlasts the
 * receipt timeout. Nothing may be lost, duplicated or marked failed.
 */
import { URL } from 'node:url';
import type { IncomingMessage, SessionState } from '../../../src/core/index.js';
import { waitForState, waitForStatus } from '../../../src/testing/index.js';
import { startTestBroker, uniqueName, type TestBroker } from '../../support/broker.js';
import { startSilentProxy, type SilentProxy } from '../../support/silent-proxy.js';
import { sessionPool } from './helpers.js';

const pool = sessionPool();
let broker: TestBroker;
let proxy: SilentProxy;

beforeEach(async () => {
  broker = await startTestBroker();
  proxy = await startSilentProxy(Number(new URL(broker.wsUrl).port));
});
afterEach(async () => {
  await pool.closeAll();
  await proxy.close();
  await broker.close();
});

const throughProxy = () => broker.wsUrl.replace(/:\d+\//, `:${proxy.port}/`);

test('20 sends made right after a silent drop longer than the receipt timeout arrive once each, in order, none failed', { timeout: 90_000 }, async () => {
  const destination = `/queue/${uniqueName('core.silent')}`;
  const receiver = pool.open(broker);
  const received: number[] = [];
  receiver.subscribe(destination, (m: IncomingMessage) => received.push((m.json as { n: number }).n));
  const sender = pool.open(broker, { url: throughProxy(), receiptTimeout: 3000, connectTimeout: 2000 });
  await Promise.all([waitForStatus(receiver, 'connected'), waitForStatus(sender, 'connected')]);
  const statuses: SessionState[] = [];
  sender.subscribe(() => statuses.push(sender.getSnapshot()));

  proxy.silence();
  const dropAt = Date.now();
  const sends = Array.from({ length: 20 }, (_, n) => sender.send(destination, { n }));
  const noticed = await waitForState(sender, (s) => s.status === 'reconnecting', { timeout: 30_000 });
  const noticedAfter = Date.now() - dropAt;
  // Silent for longer than the receipt timeout, with reconnects hanging meanwhile.
  await new Promise((r) => setTimeout(r, Math.max(0, 8000 - noticedAfter)));
  expect(sender.getOutbox().filter((e) => e.status === 'failed')).toEqual([]);
  proxy.restore();

  await Promise.all(sends);
  await vi.waitFor(() => expect(received).toHaveLength(20), { timeout: 20_000 });
  // A little longer: a late duplicate would show up now.
  await sender.send(destination, { n: 20 });
  await vi.waitFor(() => expect(received).toHaveLength(21), { timeout: 20_000 });
  expect(received).toEqual(Array.from({ length: 21 }, (_, n) => n));
  expect(sender.getOutbox().filter((e) => e.status !== 'confirmed')).toEqual([]);
  expect(noticed.error?.kind).toBe('timeout');
  expect(statuses.map((s) => s.status)).not.toContain('closed');
  console.info(`silent drop noticed after ${noticedAfter} ms (${noticed.error?.message}); ${proxy.connections} connections through the proxy`);
});

test('with nothing to send, a silent drop is noticed by heart-beats alone and the session reconnects', { timeout: 90_000 }, async () => {
  // Default heart-beats: [4000, 3000] asked; both brokers grant what is asked.
  const sender = pool.open(broker, { url: throughProxy(), connectTimeout: 2000 });
  await waitForStatus(sender, 'connected');
  proxy.silence();
  const dropAt = Date.now();
  const noticed = await waitForState(sender, (s) => s.status === 'reconnecting', { timeout: 30_000 });
  const noticedAfter = Date.now() - dropAt;
  expect(noticed.error).toEqual({ kind: 'timeout', message: 'the broker stopped sending heart-beats' });
  proxy.restore();
  await waitForStatus(sender, 'connected', { timeout: 30_000 });
  console.info(`silent drop noticed by heart-beats after ${noticedAfter} ms`);
});
