/**
 * A frame RabbitMQ refuses must end like on the dev broker — the
 * subscription reported and dropped, the send failed — with the session
 * connected again, not reconnecting forever. Over Web-STOMP RabbitMQ closes
 * the socket without the ERROR (rabbitmq/rabbitmq-server#6737), so the
 * session recognises the refused frame itself (src/core/silent-refusal.ts).
 * Real RabbitMQ, real sockets, the confined demo user alice.
 */
import { randomUUID } from 'node:crypto';
import { createStompSession, type StompSession, type SubscriptionError } from '../../src/core/index.js';
import { waitForStatus } from '../../src/testing/index.js';
import { socketFactory } from '../integration/core/helpers.js';

const sessions: StompSession[] = [];
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function alice(onSubscriptionError?: (e: SubscriptionError) => void): { session: StompSession; connects: () => number } {
  const session = createStompSession({
    url: 'ws://127.0.0.1:15674/ws',
    socketFactory,
    connectHeaders: { login: 'alice', passcode: 'stompkit', host: process.env.DEMO_VHOST ?? 'stompkit' },
    reconnect: { baseDelay: 20, maxDelay: 100 },
    onSubscriptionError,
  });
  sessions.push(session);
  let connects = 0;
  let last = session.getSnapshot().status;
  session.subscribe(() => {
    const now = session.getSnapshot().status;
    if (now === 'connected' && last !== 'connected') connects++;
    last = now;
  });
  return { session, connects: () => connects };
}

/** A topic round trip: the session carries traffic again. */
async function roundTrip(session: StompSession): Promise<void> {
  const topic = `/topic/chat.typing.${randomUUID().slice(0, 8)}`;
  const got = new Promise<string>((resolve) => session.subscribe(topic, (m) => resolve(m.body)));
  await session.send(topic, 'still here', { 'user-id': 'alice' });
  await expect(got).resolves.toBe('still here');
}

test('a refused SUBSCRIBE is reported once and dropped; the session settles connected', async () => {
  const refused: SubscriptionError[] = [];
  const { session, connects } = alice((e) => refused.push(e));
  const queue = `/queue/orders-${randomUUID().slice(0, 8)}`;
  const handler = vi.fn();
  session.subscribe(queue, handler);
  await vi.waitFor(() => expect(refused).toHaveLength(1), { timeout: 15_000 });
  expect(refused[0]).toMatchObject({ destination: queue });
  expect(refused[0]!.message).toMatch(/refused/);
  await waitForStatus(session, 'connected', { timeout: 15_000 });
  await roundTrip(session);
  // No loop: it stays put (three tries to recognise the refusal, then one good connection).
  const settled = connects();
  expect(settled).toBeLessThanOrEqual(5);
  await new Promise((r) => setTimeout(r, 500));
  expect(connects()).toBe(settled);
  expect(handler).not.toHaveBeenCalled();
});

test('a refused SEND fails with a reason; the session settles connected and other sends go through', async () => {
  const { session, connects } = alice();
  await waitForStatus(session, 'connected');
  const sent = session.send(`/queue/orders-${randomUUID().slice(0, 8)}`, 'not allowed');
  await expect(sent).rejects.toThrow(/refused/);
  expect(session.getOutbox().filter((e) => e.status === 'failed')).toHaveLength(1);
  await waitForStatus(session, 'connected', { timeout: 15_000 });
  await roundTrip(session);
  const settled = connects();
  await new Promise((r) => setTimeout(r, 500));
  expect(connects()).toBe(settled);
});
