/**
 * `withRoomDirectory`: public rooms are addressed as existing queues and used
 * only once the room directory service (the real one, over the memory
 * broker) has declared their streams; a send made before that waits and
 * keeps its place; a `room.ready` from anyone else is dropped.
 */
import { createChatClient, type ChatClient, type ChatError } from '../../src/chat/index';
import { withRoomDirectory, type RoomDirectoryOptions } from '../../src/chat/room-directory';
import { createStompSession, memoryStorage, type StompSession } from '../../src/core/index';
import { startRoomDirectory, type RoomDirectory } from '../../src/directory/index';
import { createMemoryBroker, recordMessages, waitForStatus, type MemoryBroker } from '../../src/testing/index';

let broker: MemoryBroker;
const sessions: StompSession[] = [];
const clients: ChatClient[] = [];
let service: RoomDirectory | null = null;

beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.dispose();
  await service?.stop();
  service = null;
  await Promise.all(sessions.splice(0).map((s) => s.close()));
  await broker.close();
});

function session(login: string): StompSession {
  const s = createStompSession({ url: 'memory://stompkit', socketFactory: broker.socketFactory, connectHeaders: { login }, storage: memoryStorage() });
  sessions.push(s);
  return s;
}

/** The room directory service, started before the chat clients use rooms (as deployed). */
async function startService(): Promise<RoomDirectory> {
  service = startRoomDirectory({ url: 'memory://stompkit', webSocketFactory: () => broker.socketFactory('memory://stompkit'), passcode: 'x', settleMs: 20, reconnectDelay: 50 });
  await service.started;
  return service;
}

function chat(login: string, options: RoomDirectoryOptions = {}) {
  const raw = session(login);
  const errors: ChatError[] = [];
  const wrapped = withRoomDirectory(raw, { storage: null, onError: (e) => errors.push(e), ...options });
  const client = createChatClient(wrapped, { userId: login, onError: (e) => errors.push(e) });
  clients.push(client);
  return { raw, wrapped, client, errors };
}

const texts = (client: ChatClient, roomId: string): string[] => {
  client.store.flush();
  return client.store.getState().timelines[roomId]?.messages.map((m) => m.text) ?? [];
};

test('a room is created through the service; sends made before it is ready wait, in order, and go to the existing queue', async () => {
  const alice = chat('alice');
  const bob = chat('bob');
  await Promise.all([waitForStatus(alice.raw, 'connected'), waitForStatus(bob.raw, 'connected')]);
  await startService();
  const outbox = () => alice.raw.getOutbox().map((e) => e.destination);
  const created = alice.client.createRoom('lunch', 'Lunch');
  const first = alice.client.sendMessage('lunch', 'one');
  const second = alice.client.sendMessage('lunch', 'two');
  // Nothing reached the session for the room yet: a SEND to a missing stream would be dropped.
  expect(outbox().filter((d) => d.includes('chat.room.lunch'))).toEqual([]);
  await created;
  await Promise.all([first, second]);
  expect(outbox().filter((d) => d.includes('chat.room.lunch'))).toEqual(['/amq/queue/chat.room.lunch', '/amq/queue/chat.room.lunch']);
  bob.client.openRoom('lunch', { presence: false, typing: false });
  await alice.client.sendMessage('lunch', 'three');
  await vi.waitFor(() => expect(texts(bob.client, 'lunch')).toEqual(['one', 'two', 'three']));
  expect([...alice.errors, ...bob.errors]).toEqual([]);
  // The directory is read as an existing queue too; rooms list once, from the creator.
  bob.client.watchDirectory();
  await vi.waitFor(() => expect(bob.client.store.getState().rooms.map((r) => [r.id, r.createdBy])).toEqual([['lunch', 'alice']]));
});

test('a room is not subscribed before it is ready: opening it early is no SUBSCRIBE to a missing stream', async () => {
  const bob = chat('bob');
  await waitForStatus(bob.raw, 'connected');
  await startService();
  const before = broker.stats().commands.SUBSCRIBE ?? 0;
  bob.client.openRoom('later', { presence: false, typing: false });
  await new Promise((r) => setTimeout(r, 100));
  // The wrapper's own directory reader only, and the connection is still up.
  expect((broker.stats().commands.SUBSCRIBE ?? 0) - before).toBe(1);
  const alice = chat('alice');
  await alice.client.createRoom('later', 'Later');
  await alice.client.sendMessage('later', 'hello');
  await vi.waitFor(() => expect(texts(bob.client, 'later')).toEqual(['hello']));
  expect(bob.raw.getSnapshot().status).toBe('connected');
  expect(bob.errors).toEqual([]);
});

/**
 * Counts the SUBSCRIBEs `raw` is asked for to the directory (whoever asks:
 * the chat client or the wrapper); `reads.open()` is how many are still held.
 */
function countDirectoryReads(raw: StompSession): (() => number) & { open(): number } {
  let count = 0;
  let open = 0;
  const subscribe = raw.subscribe.bind(raw) as (...args: unknown[]) => () => void;
  (raw as { subscribe: unknown }).subscribe = (...args: unknown[]) => {
    if (args[0] !== '/amq/queue/chat.rooms') return subscribe(...args);
    count += 1;
    open += 1;
    const unsubscribe = subscribe(...args);
    let held = true;
    return () => {
      if (held) open -= 1;
      held = false;
      unsubscribe();
    };
  };
  return Object.assign(() => count, { open: () => open });
}

test('the directory is read once per page: the chat client reading it for its room list is where the wrapper learns which rooms are ready', async () => {
  await startService();
  const bob = chat('bob');
  const reads = countDirectoryReads(bob.raw);
  await waitForStatus(bob.raw, 'connected');
  bob.client.watchDirectory();
  const alice = chat('alice');
  await alice.client.createRoom('shared-read', 'Shared read');
  await vi.waitFor(() => expect(bob.client.store.getState().rooms.map((r) => r.id)).toContain('shared-read'));
  bob.client.openRoom('shared-read', { presence: false, typing: false });
  await alice.client.sendMessage('shared-read', 'hi');
  await vi.waitFor(() => expect(texts(bob.client, 'shared-read')).toEqual(['hi']));
  // A room created later, while the room list is read live.
  const sent = bob.client.sendMessage('later-room', 'waits for the list');
  await alice.client.createRoom('later-room', 'Later');
  await sent;
  // The chat client's reading only: the wrapper never read the directory itself.
  expect(reads()).toBe(1);
  expect(bob.errors).toEqual([]);
});

test('a send waiting for its room when the room list stops being read: the wrapper reads the directory itself', async () => {
  const bob = chat('bob');
  const reads = countDirectoryReads(bob.raw);
  await waitForStatus(bob.raw, 'connected');
  const unwatch = bob.client.watchDirectory();
  await startService();
  const sent = bob.client.sendMessage('orphan', 'still delivered');
  await new Promise((r) => setTimeout(r, 50));
  // The chat client's reading (asked again as the session connected) only.
  const before = reads();
  unwatch();
  // The reader handing over waits a microtask (a follower resuming re-subscribes at once): then the wrapper's own.
  await vi.waitFor(() => expect(reads()).toBe(before + 1));
  const alice = chat('alice');
  await alice.client.createRoom('orphan', 'Orphan');
  await sent;
  expect(bob.raw.getOutbox().find((e) => e.destination === '/amq/queue/chat.room.orphan')?.status).toBe('confirmed');
});

test('a send that gave up on its room leaves nothing awaited: the wrapper stops reading the directory once the chat client does', async () => {
  const bob = chat('bob', { timeout: 100 });
  const reads = countDirectoryReads(bob.raw);
  await waitForStatus(bob.raw, 'connected');
  await startService();
  await expect(bob.client.sendMessage('never', 'lost cause')).rejects.toThrow(/room never is not ready/);
  expect(reads.open()).toBe(1); // the wrapper's own, started for the send
  bob.client.watchDirectory();
  await vi.waitFor(() => expect(reads.open()).toBe(1)); // the chat client's only
  expect(reads()).toBeGreaterThanOrEqual(2);
});

test('a forged room.ready seen by two readers of the directory is reported once', async () => {
  const mallory = session('mallory');
  const bob = chat('bob', { timeout: 60_000 });
  await Promise.all([waitForStatus(mallory, 'connected'), waitForStatus(bob.raw, 'connected')]);
  await startService();
  // A send waiting before the room list is read: the wrapper reads the directory itself, then the chat client does too.
  void bob.client.sendMessage('ghost', 'boo');
  bob.client.watchDirectory();
  await mallory.send('/amq/queue/chat.rooms', JSON.stringify({ id: 'f2', type: 'room.ready', roomId: 'ghost', ts: 1 }), { 'user-id': 'mallory', 'content-type': 'application/json' });
  await vi.waitFor(() => expect(bob.errors.length).toBeGreaterThan(0));
  await new Promise((r) => setTimeout(r, 100));
  expect(bob.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^dropped room\.ready of ghost from mallory/)]);
});

test("a room.ready from someone else is dropped with an error; the room stays unready and a send to it fails after the timeout", async () => {
  const mallory = session('mallory');
  const bob = chat('bob', { timeout: 200 });
  await Promise.all([waitForStatus(mallory, 'connected'), waitForStatus(bob.raw, 'connected')]);
  await startService();
  const forged = { id: 'f1', type: 'room.ready', roomId: 'ghost', ts: 1 };
  await mallory.send('/amq/queue/chat.rooms', JSON.stringify(forged), { 'user-id': 'mallory', 'content-type': 'application/json' });
  await expect(bob.client.sendMessage('ghost', 'boo')).rejects.toThrow(/room ghost is not ready: directory has not declared it within 200 ms/);
  expect(bob.errors.map((e) => e.message)).toEqual([expect.stringMatching(/^dropped room\.ready of ghost from mallory/), expect.stringMatching(/ghost failed/)]);
  expect(bob.raw.getOutbox().filter((e) => e.destination.includes('ghost'))).toEqual([]);
});

test('the wait for a room counts only while connected; offline, a send waits for as long as it takes', async () => {
  await startService();
  const bob = chat('bob', { timeout: 150 });
  await waitForStatus(bob.raw, 'connected');
  broker.stop();
  await vi.waitFor(() => expect(bob.raw.getSnapshot().status).not.toBe('connected'));
  const sent = bob.client.sendMessage('offline-room', 'queued in memory');
  let settled = false;
  sent.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, 400));
  expect(settled).toBe(false);
  broker.start();
  await waitForStatus(bob.raw, 'connected');
  await bob.client.createRoom('offline-room', 'Offline');
  await sent;
  expect(bob.raw.getOutbox().find((e) => e.destination === '/amq/queue/chat.room.offline-room')?.status).toBe('confirmed');
});

test('rooms known ready in an earlier page load take sends at once (into the outbox, even offline); reading still waits for this page', async () => {
  const storage = memoryStorage();
  await startService();
  const first = chat('bob', { storage });
  await first.client.createRoom('kept', 'Kept');
  await first.client.sendMessage('kept', 'hello');
  // Written in one go after a burst of room.ready.
  await vi.waitFor(() => expect(JSON.parse(storage.getItem('stompkit:ready-rooms') ?? '[]')).toEqual(['kept']), { timeout: 3000 });

  const reloaded = session('bob');
  const wrapped = withRoomDirectory(reloaded, { storage });
  // Not connected yet: the send goes straight to the session's outbox.
  void wrapped.send('/queue/chat.room.kept', '{}', {});
  expect(reloaded.getOutbox().map((e) => e.destination)).toEqual(['/amq/queue/chat.room.kept']);
  const before = broker.stats().commands.SUBSCRIBE ?? 0;
  await waitForStatus(reloaded, 'connected');
  const messages = recordMessages(wrapped, '/queue/chat.room.kept', { ack: 'client', 'prefetch-count': '10', 'x-stream-offset': 'first', 'x-queue-type': 'stream' });
  await vi.waitFor(() => expect(messages.messages.length).toBeGreaterThan(0));
  // Its SUBSCRIBE came after the directory's word in this page: the directory reader first, then the room.
  expect((broker.stats().commands.SUBSCRIBE ?? 0) - before).toBe(2);
});

test('transactions: a SEND to a room not known ready fails at once; direct messages and topics pass unchanged', async () => {
  await startService();
  const alice = chat('alice');
  await waitForStatus(alice.raw, 'connected');
  const tx = alice.wrapped.begin();
  expect(() => tx.send('/queue/chat.room.nowhere', 'x')).toThrow(/room nowhere is not ready/);
  await tx.abort();
  await alice.client.createRoom('here', 'Here');
  await alice.client.sendMessage('here', 'ready now');
  await alice.client.announce(['here'], 'to all');
  const dm = await alice.client.startDirectMessage(['bob']);
  await alice.client.sendMessage(dm, 'psst');
  alice.client.typing('here');
  const destinations = alice.raw.getOutbox().map((e) => e.destination);
  expect(destinations).toContain('/queue/chat.room.dm.alice.bob');
  expect(destinations).toContain('/queue/user.bob.inbox');
  expect(destinations).not.toContain('/queue/chat.room.here');
  expect(alice.errors).toEqual([]);
});
