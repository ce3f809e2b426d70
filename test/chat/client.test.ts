/**
 * The chat client on the memory broker (the real engine behind an in-memory
 * transport): resume after outages, failed → retry → sent, invalid frames,
 * throttled signals, the directory, bad input.
 */
import { createChatClient, type ChatClient, type ChatClientOptions } from '../../src/chat/index';
import type { ChatError } from '../../src/chat/protocol';
import type { StompSession } from '../../src/core/types';
import { createMemoryBroker, createTestSession, recordMessages, waitForState, waitForStatus, type MemoryBroker } from '../../src/testing/index';

let broker: MemoryBroker;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await broker.close();
});

function user(login: string, options: ChatClientOptions = {}, sessionOptions: Parameters<typeof createTestSession>[0] = {}) {
  const errors: ChatError[] = [];
  const { session, dispose } = createTestSession({ broker, connectHeaders: { login, passcode: 'x' }, ...sessionOptions });
  const chat = createChatClient(session, { userId: login, pageSize: 10, onError: (e) => errors.push(e), ...options });
  cleanups.push(dispose, () => chat.dispose());
  return { session, chat, errors };
}

const texts = (chat: ChatClient, roomId: string) => {
  chat.store.flush();
  return (chat.store.getState().timelines[roomId]?.messages ?? []).map((m) => m.text);
};

async function connected(...sessions: StompSession[]) {
  await Promise.all(sessions.map((s) => waitForStatus(s, 'connected')));
}

test('an open room resumes after an outage from the last offset: everything once', async () => {
  const alice = user('alice');
  const bob = user('bob');
  await connected(alice.session, bob.session);
  bob.chat.openRoom('general', { presence: false, typing: false });
  await alice.chat.sendMessage('general', 'one');
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['one']));

  broker.stop();
  await waitForStatus(bob.session, 'reconnecting');
  // Alice's sends wait in her outbox and go out after the outage.
  const during = [alice.chat.sendMessage('general', 'two'), alice.chat.sendMessage('general', 'three')];
  // Alice does not read the room: she shows only her sends still on their way
  // ('one' was confirmed, and opening the room would read it back in order).
  expect(alice.chat.store.getState().timelines.general?.messages.map((m) => [m.text, m.status])).toEqual([
    ['two', 'pending'],
    ['three', 'pending'],
  ]);
  broker.start();
  await Promise.all(during);
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['one', 'two', 'three']));
  await alice.chat.sendMessage('general', 'four');
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['one', 'two', 'three', 'four']));
  expect(bob.errors).toEqual([]);
});

test('a late receipt replaces the connection and resends the same id: it shows once and nothing fails', async () => {
  const alice = user('alice', {}, { receiptTimeout: 100 });
  const bob = user('bob');
  await connected(alice.session, bob.session);
  bob.chat.openRoom('general', { presence: false, typing: false });
  await alice.chat.sendMessage('general', 'warm-up'); // declares the stream
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['warm-up']));

  broker.setLatency(400);
  const slow = alice.chat.sendMessage('general', 'slow');
  // The RECEIPT is late: the link is suspect, the connection is replaced.
  const suspect = await waitForState(alice.session, (s) => s.status === 'reconnecting');
  expect(suspect.error).toMatchObject({ kind: 'timeout' });
  expect(alice.session.getOutbox().filter((e) => e.status === 'failed')).toEqual([]);
  broker.setLatency(0);
  await slow; // resent on the next connection, same id
  await alice.chat.sendMessage('general', 'marker');
  // The first attempt arrived too (late): the copies share the id, bob sees one.
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['warm-up', 'slow', 'marker']));
  expect(alice.chat.store.getState().timelines.general?.messages).toEqual([]);
  expect(alice.errors).toEqual([]);
});

test('a copy that arrived before its resend is shown once from the stream, in its first place', async () => {
  const alice = user('alice', {}, { receiptTimeout: 100 });
  await connected(alice.session);
  alice.chat.openRoom('general', { presence: false, typing: false });
  await alice.chat.sendMessage('general', 'warm-up');
  broker.setLatency(300);
  const slow = alice.chat.sendMessage('general', 'slow');
  await waitForState(alice.session, (s) => s.status === 'reconnecting');
  broker.setLatency(0);
  await slow;
  await vi.waitFor(() =>
    expect(alice.chat.store.getState().timelines.general?.messages.map((m) => [m.text, m.status, m.offset])).toEqual([
      ['warm-up', 'sent', 0],
      ['slow', 'sent', 1],
    ]),
  );
  expect(alice.session.getOutbox().filter((e) => e.status === 'failed')).toEqual([]);
});

test('a send past its deadline fails in plain words; retry delivers it once; discard forgets it', async () => {
  const alice = user('alice', {}, { sendDeadline: 150 });
  const bob = user('bob');
  await connected(alice.session, bob.session);
  bob.chat.openRoom('general', { presence: false, typing: false });
  await alice.chat.sendMessage('general', 'warm-up');
  broker.stop();
  await waitForStatus(alice.session, 'reconnecting');
  await expect(alice.chat.sendMessage('general', 'stale')).rejects.toThrow(/deadline/);
  await expect(alice.chat.sendMessage('general', 'doomed')).rejects.toThrow(/deadline/);
  const local = alice.chat.store.getState().timelines.general!.messages;
  expect(local.map((m) => [m.text, m.status])).toEqual([['stale', 'failed'], ['doomed', 'failed']]);
  expect(alice.errors.map((e) => e.code)).toEqual(['send-failed', 'send-failed']);
  alice.chat.discard('general', local[1]!.id);
  expect(alice.session.getOutbox().some((e) => e.id === local[1]!.id)).toBe(false);
  await expect(alice.chat.retry('general', local[1]!.id)).rejects.toThrow(/no local message/);
  broker.start();
  await waitForStatus(alice.session, 'connected');
  await alice.chat.retry('general', local[0]!.id);
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['warm-up', 'stale']));
  expect(texts(alice.chat, 'general')).toEqual([]);
});

test('invalid frames on the room stream are dropped and reported, never shown', async () => {
  const bob = user('bob');
  const mallory = user('mallory');
  await connected(bob.session, mallory.session);
  bob.chat.openRoom('general', { presence: false, typing: false });
  const stream = { 'x-queue-type': 'stream', durable: 'true', 'auto-delete': 'false' };
  await mallory.session.send('/queue/chat.room.general', '<script>alert(1)</script>', { ...stream, 'user-id': 'mallory' });
  await mallory.session.send('/queue/chat.room.general', { id: 'x1', type: 'message.created', roomId: 'other', ts: 1, text: 'wrong room' }, { ...stream, 'user-id': 'mallory' });
  await mallory.session.send('/queue/chat.room.general', { id: 'x2', type: 'message.created', roomId: 'general', ts: 1, text: 'no user' }, stream);
  await mallory.chat.sendMessage('general', 'fine');
  // The one without user-id is kept: the stompkit broker stamps the login itself
  // (RabbitMQ adds none, and there the reader drops it as unknown-sender).
  await vi.waitFor(() => expect(texts(bob.chat, 'general')).toEqual(['no user', 'fine']));
  expect(bob.chat.store.getState().timelines.general?.messages[0].authorId).toBe('mallory');
  const invalid = bob.errors.filter((e) => e.code === 'invalid-event');
  expect(invalid).toHaveLength(2);
  expect(invalid[0].message).toMatch(/not JSON/);
  expect(invalid[1].message).toMatch(/does not match/);
});

test('typing signals are throttled; a stop only after a start; nothing while offline', async () => {
  const alice = user('alice', { typingThrottle: 60_000 });
  const bob = user('bob');
  await connected(alice.session, bob.session);
  const inbox = recordMessages(bob.session, '/topic/chat.typing.general');
  cleanups.push(() => inbox.stop());
  alice.chat.stopTyping('general'); // no start yet: nothing
  for (let i = 0; i < 5; i++) alice.chat.typing('general');
  alice.chat.stopTyping('general');
  alice.chat.typing('general'); // after a stop the throttle starts over
  await alice.chat.sendMessage('general', 'x'); // sending stops typing
  const got = await inbox.waitFor(4);
  expect(got.map((m) => (m.json as { type: string }).type)).toEqual(['typing.start', 'typing.stop', 'typing.start', 'typing.stop']);
  // Offline: no signal is queued for later.
  broker.stop();
  await waitForStatus(alice.session, 'reconnecting');
  alice.chat.typing('general');
  expect(alice.session.getOutbox().filter((e) => e.destination.startsWith('/topic/') && e.status !== 'confirmed')).toEqual([]);
  expect(inbox.messages.every((m) => m.headers['user-id'] === 'alice')).toBe(true);
});

test('presence: peers appear on join and expire when their heartbeats stop', async () => {
  const alice = user('alice', { presenceInterval: 100, presenceTtl: 300 });
  const bob = user('bob', { presenceInterval: 100, presenceTtl: 300 });
  await connected(alice.session, bob.session);
  alice.chat.openRoom('general');
  const close = bob.chat.openRoom('general');
  await vi.waitFor(() => expect(alice.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['alice', 'bob']));
  // Bob vanishes without a leave (his heartbeats just stop): gone after the TTL.
  broker.setLatency(0);
  await bob.session.close();
  close();
  await vi.waitFor(() => expect(alice.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['alice']), { timeout: 3000 });
});

test('presence: a room opened before the first CONNECTED joins once connected, not at the first heartbeat', async () => {
  const bob = user('bob', { presenceInterval: 60_000 });
  await connected(bob.session);
  bob.chat.openRoom('general');
  await vi.waitFor(() => expect(bob.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['bob']));
  // Alice's session is still connecting: her join cannot go out yet.
  const alice = user('alice', { presenceInterval: 60_000 });
  expect(alice.session.getSnapshot().status).not.toBe('connected');
  alice.chat.openRoom('general');
  await connected(alice.session);
  // No heartbeat for a minute: only a join sent on CONNECTED makes her appear.
  await vi.waitFor(() => expect(bob.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['alice', 'bob']));
});

test('presence: a join within a second of our own still gets its answer, deferred rather than dropped', async () => {
  const alice = user('alice', { presenceInterval: 60_000 });
  const bob = user('bob', { presenceInterval: 60_000 });
  await connected(alice.session, bob.session);
  alice.chat.openRoom('general');
  await vi.waitFor(() => expect(alice.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['alice']));
  // Bob was not listening when alice joined; his join comes well within her answer throttle.
  bob.chat.openRoom('general');
  await vi.waitFor(() => expect(alice.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['alice', 'bob']));
  // No heartbeat for a minute: only alice's answer to bob's join tells him.
  await vi.waitFor(() => expect(bob.chat.store.getState().presence.general?.map((p) => p.userId)).toEqual(['alice', 'bob']), { timeout: 5000 });
});

test('room directory: create, list, duplicate refused, bad input refused', async () => {
  const alice = user('alice');
  const bob = user('bob');
  await connected(alice.session, bob.session);
  bob.chat.watchDirectory();
  await alice.chat.createRoom('general', 'General', 'Anything');
  await alice.chat.createRoom('random', 'Random');
  await vi.waitFor(() => expect(bob.chat.store.getState().rooms.map((r) => [r.id, r.name, r.createdBy])).toEqual([
    ['general', 'General', 'alice'],
    ['random', 'Random', 'alice'],
  ]));
  await expect(bob.chat.createRoom('general', 'Again')).rejects.toThrow(/already exists/);
  await expect(alice.chat.createRoom('Bad.Id', 'x')).rejects.toThrow(/invalid room id/);
  await expect(alice.chat.createRoom('fine', '')).rejects.toThrow(/room name/);
});

test('bad input gets a clear error and sends nothing', async () => {
  const alice = user('alice');
  await connected(alice.session);
  await expect(alice.chat.sendMessage('no.dots', 'x')).rejects.toThrow(/invalid room id/);
  await expect(alice.chat.sendMessage('general', '   ')).rejects.toThrow(/non-empty/);
  await expect(alice.chat.sendMessage('general', 'x'.repeat(4001))).rejects.toThrow(/longer than/);
  await expect(alice.chat.announce([], 'x')).rejects.toThrow(/at least one room/);
  await expect(alice.chat.toggleReaction('general', 'm', 'a b')).rejects.toThrow(/emoji/);
  expect(() => alice.chat.openRoom('UPPER')).toThrow(/invalid room id/);
  // No userId given and no CONNECTED yet to name one.
  const { session: idle, dispose } = createTestSession({ broker, autoConnect: false });
  cleanups.push(dispose);
  const nobody = createChatClient(idle);
  cleanups.push(() => nobody.dispose());
  expect(nobody.userId).toBeNull();
  await expect(nobody.sendMessage('general', 'hi')).rejects.toThrow(/current user is unknown/);
  expect(alice.chat.store.getState().timelines.general).toBeUndefined();
  expect(alice.session.getOutbox()).toEqual([]);
});

test('read markers: marking read publishes once, unread drops at once', async () => {
  const alice = user('alice');
  const bob = user('bob');
  await connected(alice.session, bob.session);
  alice.chat.openRoom('general', { presence: false, typing: false });
  bob.chat.openRoom('general', { presence: false, typing: false });
  await alice.chat.sendMessage('general', 'a');
  await alice.chat.sendMessage('general', 'b');
  await vi.waitFor(() => expect(bob.chat.store.getState().unread.general).toBe(2));
  bob.chat.markRead('general');
  bob.chat.markRead('general'); // already there: nothing more
  expect(bob.chat.store.getState().unread.general).toBe(0);
  const last = bob.chat.store.getState().timelines.general!.messages[1];
  await vi.waitFor(() => expect(alice.chat.store.getState().timelines.general?.readMarkers.bob).toEqual({ userId: 'bob', messageId: last.id, offset: last.offset }));
});

test('history pages fold edits and reactions seen before their message, and read nothing twice', async () => {
  const alice = user('alice');
  await connected(alice.session);
  for (let i = 0; i < 15; i++) await alice.chat.sendMessage('general', `m${i}`);
  alice.chat.openRoom('general', { presence: false, typing: false });
  // Her confirmed sends show once, from the stream, in order: the latest page, then older ones.
  await vi.waitFor(() => expect(texts(alice.chat, 'general')).toEqual(Array.from({ length: 10 }, (_, i) => `m${i + 5}`)));
  await alice.chat.loadOlder('general');
  expect(texts(alice.chat, 'general')).toEqual(Array.from({ length: 15 }, (_, i) => `m${i}`));
  expect(alice.chat.store.getState().timelines.general!.messages.every((m) => m.offset !== null && m.status === 'sent')).toBe(true);
  const first = alice.chat.store.getState().timelines.general!.messages[0];
  await alice.chat.editMessage('general', first.id, 'm0 (edited)');
  await alice.chat.addReaction('general', first.id, '🎉');
  await alice.chat.deleteMessage('general', alice.chat.store.getState().timelines.general!.messages[1].id);

  const carol = user('carol'); // pageSize 10
  carol.chat.openRoom('general', { presence: false, typing: false });
  await vi.waitFor(() => expect(carol.chat.store.getState().timelines.general?.history.hasOlder).toBe(true));
  await vi.waitFor(() => expect(carol.chat.store.getState().timelines.general?.history.loading).toBe(false));
  while (carol.chat.store.getState().timelines.general?.history.hasOlder) await carol.chat.loadOlder('general');
  const messages = carol.chat.store.getState().timelines.general!.messages;
  expect(messages.map((m) => m.text)).toEqual(['m0 (edited)', '', ...Array.from({ length: 13 }, (_, i) => `m${i + 2}`)]);
  expect(messages[0].reactions).toEqual([{ emoji: '🎉', count: 1, mine: false, users: ['alice'] }]);
  expect(messages[1].deleted).toBe(true);
  expect(carol.chat.store.getState().timelines.general!.history).toMatchObject({ oldestOffset: 0, newestOffset: 17, hasOlder: false });
  expect(carol.errors).toEqual([]);
});

test('a late joiner sees the latest messages even when the newest events of the stream are not messages', async () => {
  const alice = user('alice');
  await connected(alice.session);
  for (let i = 0; i < 5; i++) await alice.chat.sendMessage('general', `m${i}`);
  alice.chat.openRoom('general', { presence: false, typing: false });
  await vi.waitFor(() => expect(texts(alice.chat, 'general')).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']));
  const target = alice.chat.store.getState().timelines.general!.messages[4].id;
  // More non-message events than a page (10) after the last message: the first page holds none.
  for (let i = 0; i < 13; i++) {
    if (i % 2 === 0) await alice.chat.addReaction('general', target, '👍');
    else await alice.chat.removeReaction('general', target, '👍');
  }

  const carol = user('carol'); // pageSize 10
  carol.chat.openRoom('general', { presence: false, typing: false });
  await vi.waitFor(() => expect(texts(carol.chat, 'general')).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']));
  await vi.waitFor(() => expect(carol.chat.store.getState().timelines.general?.history.loading).toBe(false));
  expect(carol.chat.store.getState().timelines.general!.messages[4].reactions).toEqual([{ emoji: '👍', count: 1, mine: false, users: ['alice'] }]);
  expect(carol.chat.store.getState().timelines.general!.history).toMatchObject({ oldestOffset: 0, newestOffset: 17, hasOlder: false });
  expect(carol.errors).toEqual([]);
});

test('a room closed and reopened while its first page is read (StrictMode, remount) still loads that page', async () => {
  const alice = user('alice');
  await connected(alice.session);
  for (let i = 0; i < 3; i++) await alice.chat.sendMessage('general', `m${i}`);

  const carol = user('carol'); // pageSize 10
  await connected(carol.session);
  // A room list watches the room first: its follower holds the newest event when the view opens.
  carol.chat.watchRoom('general');
  await vi.waitFor(() => expect(texts(carol.chat, 'general')).toEqual(['m2']));
  const close = carol.chat.openRoom('general', { presence: false, typing: false });
  expect(carol.chat.store.getState().timelines.general?.history.loading).toBe(true);
  close();
  carol.chat.openRoom('general', { presence: false, typing: false });
  await vi.waitFor(() => expect(texts(carol.chat, 'general')).toEqual(['m0', 'm1', 'm2']));
  expect(carol.chat.store.getState().timelines.general!.history).toMatchObject({ loading: false, error: null, hasOlder: false });
  expect(carol.errors).toEqual([]);
});
