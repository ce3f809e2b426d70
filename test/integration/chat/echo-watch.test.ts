/**
 * A broker that confirms room messages it dropped (RabbitMQ 3.10 does after
 * a stream leader failover, on the connections that had publishes in
 * flight): the sender's client notices its messages never come back through
 * the room's stream, replaces the connection and sends them again, so the
 * other user gets each once and in order. Real sessions, real sockets, the
 * forging proxy in front of the real broker.
 */
import { createChatClient, type ChatError } from '../../../src/chat/index.js';
import { waitForStatus } from '../../../src/testing/index.js';
import { isRabbit, startTestBroker, type TestBroker } from '../../support/broker.js';
import { startReceiptForgingProxy, type ReceiptForgingProxy } from '../../support/receipt-forging-proxy.js';
import { sessionPool } from '../core/helpers.js';
import { chatPool, chatSession, newRoom, texts } from './helpers.js';

const pool = chatPool();
const sessions = sessionPool();
let broker: TestBroker;
let proxy: ReceiptForgingProxy;
beforeEach(async () => {
  broker = await startTestBroker();
  proxy = await startReceiptForgingProxy([broker.url].flat()[0]!);
});
afterEach(async () => {
  await pool.closeAll();
  await sessions.closeAll();
  await proxy.close();
  await broker.close();
});

const WAIT = { timeout: 15_000 };
// Short, so the tests are quick; RabbitMQ takes longer to start a stream
// consumer on a new connection, and an echo later than the wait costs one
// more (correct, but counted) replacement.
const ECHO_TIMEOUT = isRabbit ? 2000 : 400;

/** Why alice's connection was replaced by her chat client (other drops, e.g. RabbitMQ closing one, are not counted). */
const ECHO_REASONS = /did not come back|out of order/;

/**
 * Alice chats through the proxy, bob directly; both read the room, and a
 * first message (`m0`) has gone round, so the room's stream exists.
 */
async function twoUsers(echoTimeout = ECHO_TIMEOUT) {
  const session = sessions.open(broker, { url: proxy.url, connectHeaders: pool.headers(broker, 'alice') });
  const errors: ChatError[] = [];
  const replaced: string[] = [];
  let seen: unknown = null;
  session.subscribe(() => {
    const { status, error } = session.getSnapshot();
    if (status !== 'reconnecting' || !error || error === seen) return;
    seen = error;
    if (ECHO_REASONS.test(error.message)) replaced.push(error.message);
  });
  const alice = { name: 'alice', session, errors, replaced, chat: createChatClient(chatSession(session), { userId: 'alice', echoTimeout, onError: (e) => errors.push(e) }) };
  const bob = pool.open(broker, 'bob');
  await Promise.all([waitForStatus(alice.session, 'connected', WAIT), waitForStatus(bob.session, 'connected', WAIT)]);
  const room = await newRoom(bob.chat, 'echo');
  alice.chat.openRoom(room, { presence: false, typing: false });
  await alice.chat.sendMessage(room, 'm0');
  bob.chat.openRoom(room, { presence: false, typing: false });
  await vi.waitFor(() => expect(texts(bob, room)).toEqual(['m0']), WAIT);
  return { room, alice, bob };
}

test('messages the broker confirmed but dropped are sent again on a new connection, once each, in order', async () => {
  const { room, alice, bob } = await twoUsers();

  proxy.poison();
  // Confirmed (forged receipts) without reaching the broker.
  await alice.chat.sendMessage(room, 'm1');
  await alice.chat.sendMessage(room, 'm2');
  await bob.chat.sendMessage(room, 'b1');
  expect(proxy.swallowed.filter((body) => /"m[12]"/.test(body))).toHaveLength(2);

  await vi.waitFor(() => expect(texts(bob, room)).toEqual(['m0', 'b1', 'm1', 'm2']), WAIT);
  await vi.waitFor(() => expect(texts(alice, room)).toEqual(['m0', 'b1', 'm1', 'm2']), WAIT);
  // Alice's copies become the stream's, not local ones.
  await vi.waitFor(() => {
    alice.chat.store.flush();
    expect(alice.chat.store.getState().timelines[room]!.messages.map((m) => [m.text, m.offset !== null])).toEqual(['m0', 'b1', 'm1', 'm2'].map((t) => [t, true]));
  }, WAIT);
  expect(alice.replaced[0]).toMatch(/did not come back/);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('messages that come back, even before their RECEIPT, never replace the connection', async () => {
  const { room, alice, bob } = await twoUsers();
  for (let i = 0; i < 20; i++) void alice.chat.sendMessage(room, `n${i}`);
  const all = ['m0', ...Array.from({ length: 20 }, (_, i) => `n${i}`)];
  await vi.waitFor(() => expect(texts(bob, room)).toEqual(all), WAIT);
  // Several echo timeouts later, still the first connection.
  await new Promise((resolve) => setTimeout(resolve, ECHO_TIMEOUT * 3));
  expect(alice.replaced).toEqual([]);
  expect(alice.session.getSnapshot().status).toBe('connected');
  expect(texts(alice, room)).toEqual(all);
});

test('a RECEIPT that overtakes an unanswered send to the same room replaces the connection at once, order kept', async () => {
  // A wait far beyond the test's ceilings: only the out-of-order RECEIPT can act in time.
  const { room, alice, bob } = await twoUsers(600_000);

  proxy.poison({ unansweredFirst: true });
  const d = alice.chat.sendMessage(room, 'd'); // dropped, never answered
  await alice.chat.sendMessage(room, 'e'); // dropped, answered: overtakes d
  await d;
  await alice.chat.sendMessage(room, 'f');
  await vi.waitFor(() => expect(texts(bob, room)).toEqual(['m0', 'd', 'e', 'f']), WAIT);
  await vi.waitFor(() => expect(texts(alice, room)).toEqual(['m0', 'd', 'e', 'f']), WAIT);
  expect(proxy.swallowed).toHaveLength(2);
  expect(alice.replaced).toEqual(['RECEIPTs of a stream came out of order']);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});
