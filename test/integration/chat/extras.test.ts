/**
 * Threads, mentions, attachments, direct messages and unread counts after a
 * reload, between chat clients on real sessions over real sockets (the
 * stompkit broker, or RabbitMQ under `npm run test:interop`).
 */
import type { ChatClientOptions, ReadPositions, ThreadReads } from '../../../src/chat/index.js';
import { waitForStatus } from '../../../src/testing/index.js';
import { startTestBroker, uniqueName, type TestBroker } from '../../support/broker.js';
import { chatPool, newRoom, texts } from './helpers.js';

const pool = chatPool();
let broker: TestBroker;
beforeEach(async () => {
  broker = await startTestBroker();
});
afterEach(async () => {
  await pool.closeAll();
  await broker.close();
});

const WAIT = { timeout: 10_000 };
const image = { url: 'https://cdn.example/cat.png', name: 'cat.png', size: 1234, type: 'image/png', width: 640, height: 480 };

/** Alice and bob read a new room; alice has asked "lunch?" and bob has it: the parent of the tests' threads. */
async function lunchAsked(bobOptions: ChatClientOptions = {}) {
  const alice = pool.open(broker, 'alice');
  const bob = pool.open(broker, 'bob', bobOptions);
  await Promise.all([waitForStatus(alice.session, 'connected'), waitForStatus(bob.session, 'connected')]);
  const room = await newRoom(alice.chat);
  alice.chat.openRoom(room, { presence: false, typing: false });
  bob.chat.openRoom(room, { presence: false, typing: false });
  await alice.chat.sendMessage(room, 'lunch?');
  await vi.waitFor(() => expect(texts(bob, room)).toEqual(['lunch?']), WAIT);
  return { room, alice, bob, parentId: bob.chat.store.getState().timelines[room]!.messages[0]!.id };
}

test('a thread reply, a mention and an attachment reach the other user', async () => {
  const { room, alice, bob, parentId } = await lunchAsked();
  await bob.chat.sendMessage(room, 'yes @alice', { parentId });
  await bob.chat.sendMessage(room, '', { attachments: [image] });
  await vi.waitFor(() => {
    alice.chat.store.flush();
    const t = alice.chat.store.getState().timelines[room]!;
    expect(t.messages.map((m) => m.text)).toEqual(['lunch?', '']);
    expect(t.messages[0]!.thread).toMatchObject({ replies: 1, lastRepliers: ['bob'] });
    expect(t.threads.get(parentId)!.map((m) => [m.text, m.mentionsMe])).toEqual([['yes @alice', true]]);
    expect(t.messages[1]!.attachments).toEqual([image]);
  }, WAIT);
  expect(alice.chat.store.getState().mentions[room]).toBe(1);
  expect([...alice.errors, ...bob.errors]).toEqual([]);
});

test('unread counts are right after a reload without opening the room', async () => {
  const stored = new Map<string, number>();
  const positions: ReadPositions = { get: (r) => stored.get(r), set: (r, o) => void stored.set(r, Math.max(o, stored.get(r) ?? -1)) };
  const alice = pool.open(broker, 'alice');
  const bob = pool.open(broker, 'bob', { readPositions: positions });
  await Promise.all([waitForStatus(alice.session, 'connected'), waitForStatus(bob.session, 'connected')]);
  const room = await newRoom(alice.chat);
  bob.chat.openRoom(room, { presence: false, typing: false });
  await alice.chat.sendMessage(room, 'one');
  await vi.waitFor(() => expect(texts(bob, room)).toEqual(['one']), WAIT);
  bob.chat.markRead(room);
  expect(stored.get(room)).toBeGreaterThanOrEqual(0);
  bob.chat.dispose();

  await alice.chat.sendMessage(room, 'two');
  await alice.chat.sendMessage(room, 'three, @bob');
  // A new page load: the room is only watched (its badge), never opened.
  const again = pool.open(broker, 'bob', { readPositions: positions });
  await waitForStatus(again.session, 'connected');
  again.chat.watchRoom(room);
  await vi.waitFor(() => {
    again.chat.store.flush();
    expect(again.chat.store.getState().unread[room]).toBe(2);
    expect(again.chat.store.getState().mentions[room]).toBe(1);
  }, WAIT);
});

test('unread per thread: read while viewed, and right after a reload', async () => {
  const rooms = new Map<string, number>();
  const threads = new Map<string, ThreadReads>();
  const positions: ReadPositions = {
    get: (r) => rooms.get(r),
    set: (r, o) => void rooms.set(r, o),
    threads: (r) => threads.get(r),
    setThreads: (r, reads) => void threads.set(r, reads),
  };
  const { room, alice, bob, parentId } = await lunchAsked({ readPositions: positions });
  const summary = (user: typeof bob) => {
    user.chat.store.flush();
    return user.chat.store.getState().timelines[room]?.messages.find((m) => m.id === parentId)?.thread;
  };
  await alice.chat.sendMessage(room, 'noon?', { parentId });
  await vi.waitFor(() => expect(summary(bob)).toMatchObject({ replies: 1, unread: 1 }), WAIT);
  bob.chat.store.setViewingThread(room, parentId, true);
  expect(summary(bob)!.unread).toBeUndefined();
  await bob.chat.sendMessage(room, 'sure', { parentId });
  bob.chat.store.setViewingThread(room, parentId, false);
  await alice.chat.sendMessage(room, 'or one?', { parentId });
  await vi.waitFor(() => expect(summary(bob)).toMatchObject({ replies: 3, unread: 1 }), WAIT);
  bob.chat.dispose();

  await alice.chat.sendMessage(room, 'two then', { parentId });
  // A new page load: the thread's first message comes back with the first page.
  const again = pool.open(broker, 'bob', { readPositions: positions });
  await waitForStatus(again.session, 'connected');
  again.chat.openRoom(room, { presence: false, typing: false });
  await vi.waitFor(() => expect(summary(again)).toMatchObject({ replies: 4, unread: 2 }), WAIT);
  expect(summary(alice)).toMatchObject({ replies: 4, unread: 1 }); // bob's reply; hers never count
  expect([...alice.errors, ...bob.errors, ...again.errors]).toEqual([]);
});

test('a direct message: started by one member, listed for the other, read by both', async () => {
  const alice = pool.open(broker, 'alice');
  const bob = pool.open(broker, 'bob');
  await Promise.all([waitForStatus(alice.session, 'connected'), waitForStatus(bob.session, 'connected')]);
  // A third, per-run member keeps each run's DM stream new (streams outlive a RabbitMQ run).
  const other = uniqueName('m').replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20);
  bob.chat.watchInbox();
  const roomId = await alice.chat.startDirectMessage(['bob', other]);
  expect(roomId).toBe(`dm.${['alice', 'bob', other].sort().join('.')}`);
  await alice.chat.sendMessage(roomId, 'psst');
  await vi.waitFor(() => {
    bob.chat.store.flush();
    expect(bob.chat.store.getState().directMessages.map((d) => d.id)).toContain(roomId);
  }, WAIT);
  bob.chat.openRoom(roomId, { presence: false, typing: false });
  await vi.waitFor(() => expect(texts(bob, roomId)).toEqual(['psst']), WAIT);
});
