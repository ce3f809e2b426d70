// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createChatClient } from '../../../src/chat/client';
import type { ChatClient } from '../../../src/chat/client-types';
import { ChatRoom } from '../../../src/chat/components/ChatRoom';
import { ChatProvider } from '../../../src/chat/provider';
import { StompProvider } from '../../../src/react/index';
import { axeViolations } from './axe';
import { createMemoryBroker, createTestSession, waitForStatus, type MemoryBroker, type TestSession } from '../../../src/testing/index';

let refuseSends = false;
let broker: MemoryBroker;
let ana: TestSession;
let bo: TestSession;
let boChat: ChatClient;

beforeEach(async () => {
  refuseSends = false;
  // A broker that can refuse SENDs to #general (as RabbitMQ refuses on a permission), for the retry test.
  broker = createMemoryBroker({ authorize: (_user, action, destination) => !(refuseSends && action === 'send' && destination.endsWith('.general')) });
  ana = createTestSession({ broker, connectHeaders: { login: 'ana', passcode: 'x' } });
  bo = createTestSession({ broker, connectHeaders: { login: 'bo', passcode: 'x' } });
  await Promise.all([waitForStatus(ana.session, 'connected'), waitForStatus(bo.session, 'connected')]);
  boChat = createChatClient(bo.session, { userId: 'bo' });
  await boChat.createRoom('general', 'general');
  await boChat.createRoom('random', 'random');
});

afterEach(async () => {
  boChat.dispose();
  await act(async () => {
    await ana.dispose();
    await bo.dispose();
  });
  await broker.close();
});

function renderRoom() {
  return render(
    <StompProvider session={ana.session}>
      <ChatProvider userId="ana">
        <ChatRoom defaultRoomId="general" locale="en-US" />
      </ChatProvider>
    </StompProvider>,
  );
}

const log = () => screen.getByRole('log', { name: 'Messages in #general' });
const messageNode = (text: string) => within(log()).getByText(text).closest('article') as HTMLElement;

describe('ChatRoom on a memory broker', () => {
  it('sends with Enter: shows pending at once, then sent; the peer receives it once', async () => {
    const user = userEvent.setup();
    const seen: string[] = [];
    const release = boChat.openRoom('general');
    const unsubscribe = boChat.store.subscribe((s) => {
      for (const m of s.timelines.general?.messages ?? []) if (!seen.includes(m.text)) seen.push(m.text);
    });
    renderRoom();
    const box = await screen.findByRole('textbox', { name: 'Message #general' });
    await user.type(box, 'hello from ana{Enter}');
    expect(box).toHaveValue('');
    await waitFor(() => expect(messageNode('hello from ana')).toHaveAttribute('data-state', 'sent'));
    await waitFor(() => expect(seen).toEqual(['hello from ana']));
    unsubscribe();
    release();
  });

  it("shows the peer's messages, and unread counts for the room not open", async () => {
    renderRoom();
    const rooms = await screen.findByRole('navigation', { name: 'Rooms' });
    await waitFor(() => expect(within(rooms).getAllByRole('button').map((b) => b.textContent)).toEqual(['# general', '# random']));
    await act(async () => {
      await boChat.sendMessage('general', 'hi ana');
      await boChat.sendMessage('random', 'over here');
      await boChat.sendMessage('random', 'and again');
    });
    await waitFor(() => expect(within(log()).getByText('hi ana')).toBeInTheDocument());
    const random = within(rooms).getByRole('button', { name: /random/ });
    await waitFor(() => expect(random).toHaveTextContent('# random2 unread'));
    expect(within(rooms).getByRole('button', { name: /general/ })).toHaveAttribute('aria-current', 'page');
  });

  it('a refused send fails with Retry; Retry sends it once allowed', async () => {
    const user = userEvent.setup();
    renderRoom();
    const box = await screen.findByRole('textbox', { name: 'Message #general' });
    refuseSends = true;
    await user.type(box, 'try me{Enter}');
    await waitFor(() => expect(messageNode('try me')).toHaveAttribute('data-state', 'failed'), { timeout: 10_000 });
    refuseSends = false;
    await act(() => waitForStatus(ana.session, 'connected'));
    await user.click(within(messageNode('try me')).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(messageNode('try me')).toHaveAttribute('data-state', 'sent'), { timeout: 10_000 });
    expect(within(log()).getAllByText('try me')).toHaveLength(1);
  });

  it('keeps a draft per room while switching rooms with the keyboard', async () => {
    const user = userEvent.setup();
    renderRoom();
    const box = await screen.findByRole('textbox', { name: 'Message #general' });
    await user.type(box, 'half a thought');
    const rooms = screen.getByRole('navigation', { name: 'Rooms' });
    await waitFor(() => expect(within(rooms).getAllByRole('button')).toHaveLength(2));
    within(rooms).getByRole('button', { name: /general/ }).focus();
    await user.keyboard('{ArrowDown}{Enter}');
    const other = await screen.findByRole('textbox', { name: 'Message #random' });
    expect(other).toHaveValue('');
    within(rooms).getByRole('button', { name: /general/ }).focus();
    await user.keyboard('{Enter}');
    expect(await screen.findByRole('textbox', { name: 'Message #general' })).toHaveValue('half a thought');
  });

  it('offline: the composer stays usable and says sends will go out on reconnect', async () => {
    const user = userEvent.setup();
    renderRoom();
    const box = await screen.findByRole('textbox', { name: 'Message #general' });
    // Let the room list finish subscribing first: a SUBSCRIBE made while the socket is closing
    // throws inside core today (Connection.transmit, reported), which is not what this test is about.
    const rooms = screen.getByRole('navigation', { name: 'Rooms' });
    await waitFor(() => expect(within(rooms).getAllByRole('button')).toHaveLength(2));
    await act(async () => {
      broker.stop();
      await waitForStatus(ana.session, 'reconnecting');
    });
    expect(box).toHaveAccessibleDescription('Offline — messages will be sent when you reconnect');
    expect(box).not.toHaveAttribute('aria-disabled');
    await user.type(box, 'queued while away{Enter}');
    expect(messageNode('queued while away')).toHaveAttribute('data-state', 'pending');
    expect(document.querySelector('.sk-banner')).toHaveTextContent('1 message waiting to send');
    broker.start();
    await waitFor(() => expect(messageNode('queued while away')).toHaveAttribute('data-state', 'sent'), { timeout: 10_000 });
  });

  it('has no axe violations with rooms, messages, a failed send and people present', async () => {
    const { container } = renderRoom();
    const rooms = await screen.findByRole('navigation', { name: 'Rooms' });
    await waitFor(() => expect(within(rooms).getAllByRole('button')).toHaveLength(2));
    await act(async () => {
      await boChat.sendMessage('general', 'see https://example.com');
    });
    await waitFor(() => expect(within(log()).getByText('https://example.com')).toBeInTheDocument());
    await waitFor(() => expect(screen.getByRole('region', { name: /Online/ })).toHaveTextContent('ana'));
    expect(await axeViolations(container)).toEqual([]);
  });

  it('Arrow Up in the empty composer edits my last message; the peer sees the edit, then my delete', async () => {
    const user = userEvent.setup();
    const release = boChat.openRoom('general');
    renderRoom();
    const box = await screen.findByRole('textbox', { name: 'Message #general' });
    await user.type(box, 'first{Enter}');
    await user.type(box, 'second{Enter}');
    await waitFor(() => expect(messageNode('second')).toHaveAttribute('data-state', 'sent'));
    await user.keyboard('{ArrowUp}');
    expect(box).toHaveValue('second');
    await user.clear(box);
    await user.type(box, 'second, edited{Enter}');
    expect(box).toHaveValue('');
    const text = (id: string) => boChat.store.getState().timelines.general?.messages.find((m) => m.text.startsWith(id));
    await waitFor(() => expect(text('second, edited')?.editedAt).toBeDefined());
    await waitFor(() => expect(messageNode('second, edited')).toBeInTheDocument());

    await user.click(within(messageNode('first')).getByRole('button', { name: 'More actions' }));
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(boChat.store.getState().timelines.general?.messages[0].deleted).toBe(true));
    release();
  });

  it('opens who is online as a modal drawer from the header: focus inside and trapped, Escape closes', async () => {
    const user = userEvent.setup();
    renderRoom();
    const button = await screen.findByRole('button', { name: /Online/ });
    await waitFor(() => expect(button).toHaveTextContent('1'));
    await user.click(button);
    const dialog = screen.getByRole('dialog', { name: 'People in this room' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    const close = within(dialog).getByRole('button', { name: 'Close' });
    expect(close).toHaveFocus();
    expect(within(dialog).getByText('ana')).toBeInTheDocument();
    await user.tab();
    expect(close).toHaveFocus(); // the only control: Tab stays in the drawer
    await user.tab({ shift: true });
    expect(close).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(button).toHaveFocus();
  });
});
