// @vitest-environment jsdom
/**
 * Chat hooks under <StompProvider session> + <ChatProvider> on the memory
 * broker: each hook re-renders for its own slice only, and a burst is a few
 * renders, not one per message.
 */
import { act, render, renderHook, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { StompProvider } from '../../src/react/index';
import {
  ChatProvider,
  createChatClient,
  useChat,
  useMessages,
  usePresence,
  useRoom,
  useSendMessage,
  useTyping,
  useUnread,
} from '../../src/chat/index';
import { createMemoryBroker, createTestSession, waitForStatus, type MemoryBroker } from '../../src/testing/index';
import type { StompSession } from '../../src/core/types';

let broker: MemoryBroker;
let session: StompSession;
let other: StompSession;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  broker = createMemoryBroker();
  const a = createTestSession({ broker, connectHeaders: { login: 'alice', passcode: 'x' } });
  const b = createTestSession({ broker, connectHeaders: { login: 'bob', passcode: 'x' } });
  session = a.session;
  other = b.session;
  cleanups.push(a.dispose, b.dispose);
  await Promise.all([waitForStatus(session, 'connected'), waitForStatus(other, 'connected')]);
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await broker.close();
});

function wrapper({ children }: { children: ReactNode }) {
  return (
    <StompProvider session={session}>
      <ChatProvider userId="alice" presenceInterval={60_000}>
        {children}
      </ChatProvider>
    </StompProvider>
  );
}

/** Bob, sending from his own client. */
function bob() {
  const chat = createChatClient(other, { userId: 'bob' });
  cleanups.push(() => chat.dispose());
  return chat;
}

test('useChat outside a ChatProvider says what is missing', () => {
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
  expect(() => renderHook(() => useChat())).toThrow(/no <ChatProvider>/);
});

test('a burst of 300 messages renders the list a handful of times; another room not at all', async () => {
  const renders = { general: 0, random: 0 };
  function Room({ id }: { id: 'general' | 'random' }) {
    useRoom(id, { presence: false, typing: false });
    const messages = useMessages(id);
    renders[id] += 1;
    return <p data-testid={id}>{messages.length}</p>;
  }
  render(
    <>
      <Room id="general" />
      <Room id="random" />
    </>,
    { wrapper },
  );
  const sender = bob();
  await screen.findByTestId('general');
  const before = { ...renders };
  await act(async () => {
    await Promise.all(Array.from({ length: 300 }, (_, i) => sender.sendMessage('general', `m${i}`)));
  });
  await vi.waitFor(() => expect(screen.getByTestId('general').textContent).toBe('300'));
  const listRenders = renders.general - before.general;
  // Far fewer renders than messages (one per batch, never one per message).
  expect(listRenders).toBeGreaterThan(0);
  expect(listRenders).toBeLessThan(30);
  expect(renders.random).toBe(before.random);
});

test('useSendMessage shows pending at once; useUnread counts what others sent', async () => {
  const { result } = renderHook(
    () => ({ room: useRoom('general', { presence: false }), send: useSendMessage('general'), messages: useMessages('general'), unread: useUnread('general') }),
    { wrapper },
  );
  await vi.waitFor(() => expect(result.current.send).toBeTypeOf('function'));
  let sent!: Promise<void>;
  act(() => {
    sent = result.current.send('hi');
  });
  expect(result.current.messages.map((m) => [m.text, m.status])).toEqual([['hi', 'pending']]);
  await act(() => sent);
  await act(() => bob().sendMessage('general', 'hello alice'));
  await vi.waitFor(() => expect(result.current.messages.map((m) => m.text)).toEqual(['hi', 'hello alice']));
  expect(result.current.unread).toBe(1);
  act(() => result.current.room.markRead());
  expect(result.current.unread).toBe(0);
});

test('usePresence and useTyping follow the room', async () => {
  const { result } = renderHook(() => ({ room: useRoom('general'), presence: usePresence('general'), typing: useTyping('general') }), { wrapper });
  await vi.waitFor(() => expect(result.current.presence.map((p) => p.userId)).toEqual(['alice']));
  const other = bob();
  const close = other.openRoom('general');
  await vi.waitFor(() => expect(result.current.presence.map((p) => p.userId)).toEqual(['alice', 'bob']));
  other.typing('general');
  await vi.waitFor(() => expect(result.current.typing.typing.map((t) => t.userId)).toEqual(['bob']));
  const stable = result.current.typing.notifyTyping;
  close();
  await vi.waitFor(() => expect(result.current.presence.map((p) => p.userId)).toEqual(['alice']));
  expect(result.current.typing.notifyTyping).toBe(stable);
});

test('StrictMode: one live subscription per room while mounted, none after unmount; nothing shown twice', async () => {
  const { StrictMode } = await import('react');
  function Room() {
    useRoom('general');
    const messages = useMessages('general');
    return (
      <ul>
        {messages.map((m) => (
          <li key={m.id}>{m.text}</li>
        ))}
      </ul>
    );
  }
  const subscribers = (destination: string) => broker.stats().destinations.find((d) => d.destination === destination)?.subscribers ?? 0;
  const view = render(
    <StrictMode>
      <Room />
    </StrictMode>,
    { wrapper },
  );
  const sender = bob();
  await act(async () => {
    for (const text of ['one', 'two', 'three']) await sender.sendMessage('general', text);
  });
  await vi.waitFor(() => expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['one', 'two', 'three']));
  await vi.waitFor(() => expect(subscribers('/queue/chat.room.general')).toBe(1));
  expect(subscribers('/topic/chat.presence.general')).toBe(1);
  view.unmount();
  await vi.waitFor(() => expect(subscribers('/queue/chat.room.general')).toBe(0));
  expect(subscribers('/topic/chat.presence.general')).toBe(0);
  expect(subscribers('/topic/chat.typing.general')).toBe(0);
});
