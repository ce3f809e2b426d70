/**
 * Chat messages queued in the persisted outbox before a "page reload" (a new
 * session and chat client on the same storage): shown as pending at once,
 * delivered on CONNECTED, replaced by the stream's copy exactly once.
 */
import { createChatClient, type ChatClient } from '../../src/chat/index';
import type { ChatError } from '../../src/chat/protocol';
import { memoryStorage } from '../../src/core/storage';
import type { OutboxEntry, StorageAdapter } from '../../src/core/types';
import { createMemoryBroker, createTestSession, waitForStatus, type MemoryBroker } from '../../src/testing/index';

let broker: MemoryBroker;
const cleanups: (() => Promise<void> | void)[] = [];
beforeEach(() => {
  broker = createMemoryBroker();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await broker.close();
});

/** A storage that remembers which keys were written (to tamper with the outbox). */
function recordingStorage(): StorageAdapter & { keys: Set<string> } {
  const inner = memoryStorage();
  const keys = new Set<string>();
  return { ...inner, keys, setItem: (k, v) => (keys.add(k), inner.setItem(k, v)) };
}

function page(login: string, storage: StorageAdapter, options: { sendDeadline?: number } = {}) {
  const errors: ChatError[] = [];
  const { session, dispose } = createTestSession({ broker, storage, connectHeaders: { login, passcode: 'x' }, ...options });
  const chat = createChatClient(session, { userId: login, pageSize: 10, onError: (e) => errors.push(e) });
  cleanups.push(dispose, () => chat.dispose());
  return { session, chat, errors, dispose };
}

const shown = (chat: ChatClient, roomId: string) => {
  chat.store.flush();
  return (chat.store.getState().timelines[roomId]?.messages ?? []).map((m) => [m.text, m.status]);
};

test('messages queued before a reload show as pending after it, and once from the stream after delivery', async () => {
  const bob = page('bob', memoryStorage());
  await waitForStatus(bob.session, 'connected');
  bob.chat.openRoom('general', { presence: false, typing: false });
  await bob.chat.sendMessage('general', 'before'); // declares the stream
  broker.stop();

  const storage = recordingStorage();
  const first = page('alice', storage);
  // Their promises reject when the page goes; the entries stay in storage.
  const sends = [
    first.chat.sendMessage('general', 'queued one'),
    first.chat.sendMessage('general', 'queued two'),
    first.chat.addReaction('general', '00000000-0000-4000-8000-000000000000', '👍'),
  ].map((p) => p.catch(() => undefined));
  expect(shown(first.chat, 'general')).toEqual([['queued one', 'pending'], ['queued two', 'pending']]);
  // The page goes away with its sends still in the outbox.
  first.chat.dispose();
  await first.dispose();
  await Promise.all(sends);

  // Someone put a broken entry in storage: reported, never shown.
  const [key] = [...storage.keys].filter((k) => k.includes(':outbox:'));
  const entries = JSON.parse(storage.getItem(key)!) as OutboxEntry[];
  expect(entries).toHaveLength(3);
  const bad = { ...entries[0], id: 'not-the-event-id' };
  storage.setItem(key, JSON.stringify([...entries, bad]));

  const second = page('alice', storage);
  // Before any CONNECTED, from the outbox alone.
  expect(shown(second.chat, 'general')).toEqual([['queued one', 'pending'], ['queued two', 'pending']]);
  expect(second.errors.map((e) => e.code)).toEqual(['invalid-event']);
  second.chat.openRoom('general', { presence: false, typing: false });

  broker.start();
  await vi.waitFor(() => expect(shown(bob.chat, 'general').map(([t]) => t)).toEqual(['before', 'queued one', 'queued two']));
  await vi.waitFor(() =>
    expect(shown(second.chat, 'general')).toEqual([
      ['before', 'sent'],
      ['queued one', 'sent'],
      ['queued two', 'sent'],
    ]),
  );
  // Each once, from the stream (with an offset), none left pending.
  const messages = second.chat.store.getState().timelines.general!.messages;
  expect(messages.every((m) => m.offset !== null)).toBe(true);
  expect(second.errors.map((e) => e.code)).toEqual(['invalid-event']);
});

test('a send that failed before the reload shows as failed after it; retry delivers it once', async () => {
  const storage = memoryStorage();
  const first = page('alice', storage, { sendDeadline: 150 });
  await waitForStatus(first.session, 'connected');
  first.chat.openRoom('general', { presence: false, typing: false });
  await first.chat.sendMessage('general', 'warm-up'); // declares the stream
  broker.stop();
  await waitForStatus(first.session, 'reconnecting');
  await expect(first.chat.sendMessage('general', 'slow')).rejects.toThrow(/deadline/);
  first.chat.dispose();
  await first.dispose();
  broker.start();

  const second = page('alice', storage);
  const failed = () => second.chat.store.getState().timelines.general?.messages.filter((m) => m.text === 'slow') ?? [];
  expect(failed().map((m) => m.status)).toEqual(['failed']);
  expect(failed()[0]!.error).toMatch(/deadline/);
  second.chat.openRoom('general', { presence: false, typing: false });
  await waitForStatus(second.session, 'connected');
  await second.chat.retry('general', failed()[0]!.id);
  await vi.waitFor(() => expect(shown(second.chat, 'general')).toEqual([['warm-up', 'sent'], ['slow', 'sent']]));
  expect(second.chat.store.getState().timelines.general!.messages.every((m) => m.offset !== null)).toBe(true);
});
