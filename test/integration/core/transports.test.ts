/**
 * With the broker's WebSocket endpoint refused
 * the session connects over SockJS and reports the transport; over
 * `xhr-polling` when streaming is refused too.
 */
import { memoryStorage } from '../../../src/core/index.js';
import type { StompSession } from '../../../src/core/index.js';
import { waitForStatus } from '../../../src/testing/index.js';
import { startTestBroker, uniqueName, type TestBroker, type TestBrokerOptions } from '../../support/broker.js';
import { sessionPool } from './helpers.js';

const pool = sessionPool();
const brokers: TestBroker[] = [];

async function broker(options: TestBrokerOptions): Promise<TestBroker> {
  const b = await startTestBroker({ memory: true, ...options });
  brokers.push(b);
  return b;
}

afterEach(async () => {
  await pool.closeAll();
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});

/** A round trip over the session itself, so the transport is proven to carry STOMP both ways. */
async function roundTrip(session: StompSession): Promise<void> {
  const destination = `/topic/${uniqueName('core.transport')}`;
  const got = new Promise<string>((resolve) => session.subscribe(destination, (m) => resolve(m.body)));
  await session.send(destination, 'ping over fallback');
  await expect(got).resolves.toBe('ping over fallback');
}

// RabbitMQ here serves Web-STOMP only: there is no SockJS endpoint to fall back to.
const probe = await startTestBroker({ memory: true });
const sockjsReason = probe.sockjsUrl === null ? `${probe.kind} serves no SockJS endpoint` : '';
await probe.close();

describe.skipIf(sockjsReason !== '')(`transport fallback${sockjsReason ? ` (skipped: ${sockjsReason})` : ''}`, () => {
  it('falls back to SockJS xhr-streaming when /ws is refused, and remembers it', async () => {
    const b = await broker({ endpoints: { websocket: false } });
    const storage = memoryStorage();
    const logs: string[] = [];
    const session = pool.open(b, { url: { websocket: b.wsUrl, sockjs: b.sockjsUrl! }, storage, debug: (m) => logs.push(m) });
    const state = await waitForStatus(session, 'connected', { timeout: 20_000 });
    expect(state.transport).toBe('xhr-streaming');
    expect(logs.some((l) => /websocket failed/.test(l))).toBe(true);
    await roundTrip(session);

    // Same tab (storage), same URL: the remembered winner goes first.
    const again: string[] = [];
    const second = pool.open(b, { url: { websocket: b.wsUrl, sockjs: b.sockjsUrl! }, storage, debug: (m) => again.push(m) });
    expect((await waitForStatus(second, 'connected', { timeout: 20_000 })).transport).toBe('xhr-streaming');
    expect(again.some((l) => /websocket failed/.test(l))).toBe(false);
  });

  it('ends up on xhr-polling when streaming transports are refused too', async () => {
    const b = await broker({ endpoints: { websocket: false, sockjsTransports: ['xhr-polling'] } });
    const session = pool.open(b, { url: { websocket: b.wsUrl, sockjs: b.sockjsUrl! }, connectTimeout: 5000 });
    const state = await waitForStatus(session, 'connected', { timeout: 30_000 });
    expect(state.transport).toBe('xhr-polling');
    await roundTrip(session);
  });

  it('configures itself from the http origin (/stompkit.json)', async () => {
    const b = await broker({ endpoints: { websocket: false, sockjsTransports: ['eventsource', 'xhr-polling'] } });
    const session = pool.open(b, { url: b.httpUrl!, socketFactory: undefined });
    const state = await waitForStatus(session, 'connected', { timeout: 20_000 });
    expect(state.transport).toBe('eventsource');
    await roundTrip(session);
  });
});
