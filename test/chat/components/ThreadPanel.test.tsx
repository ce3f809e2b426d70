// @vitest-environment jsdom
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createChatClient } from '../../../src/chat/client';
import type { ChatClient } from '../../../src/chat/client-types';
import { ChatRoom } from '../../../src/chat/components/ChatRoom';
import { ChatProvider } from '../../../src/chat/provider';
import { StompProvider } from '../../../src/react/index';
import { createMemoryBroker, createTestSession, waitForStatus, type MemoryBroker, type TestSession } from '../../../src/testing/index';
import { axeViolations } from './axe';

let broker: MemoryBroker;
let ana: TestSession;
let bo: TestSession;
let boChat: ChatClient;

beforeEach(async () => {
  localStorage.clear();
  broker = createMemoryBroker();
  ana = createTestSession({ broker, connectHeaders: { login: 'ana', passcode: 'x' } });
  bo = createTestSession({ broker, connectHeaders: { login: 'bo', passcode: 'x' } });
  await Promise.all([waitForStatus(ana.session, 'connected'), waitForStatus(bo.session, 'connected')]);
  boChat = createChatClient(bo.session, { userId: 'bo' });
  await boChat.createRoom('general', 'general');
});

afterEach(async () => {
  boChat.dispose();
  await act(async () => {
    await ana.dispose();
    await bo.dispose();
  });
  await broker.close();
});

const log = () => screen.getByRole('log', { name: 'Messages in #general' });
const summary = () => within(log()).getByRole('button', { name: /repl(y|ies).*open thread/ });

async function boSays(text: string, parentId?: string): Promise<void> {
  const release = boChat.openRoom('general');
  await act(() => boChat.sendMessage('general', text, parentId ? { parentId } : {}));
  release();
}

describe('unread per thread in a ChatRoom', () => {
  it('the reply count says "new" until the thread is open; replies while it is open stay read', async () => {
    const user = userEvent.setup();
    render(
      <StompProvider session={ana.session}>
        <ChatProvider userId="ana">
          <ChatRoom defaultRoomId="general" locale="en-US" showPresence={false} />
        </ChatProvider>
      </StompProvider>,
    );
    await boSays('lunch?');
    await waitFor(() => expect(within(log()).getByText('lunch?')).toBeInTheDocument());
    const parentId = boChat.store.getState().timelines.general!.messages[0]!.id;
    await boSays('noon?', parentId);
    await boSays('or one', parentId);
    await waitFor(() => expect(summary()).toHaveAccessibleName(/^2 replies,\s*2 new, open thread/));
    expect(summary()).toHaveAttribute('data-state', 'unread');
    expect(await axeViolations(log())).toEqual([]);

    await user.click(summary());
    const panel = screen.getByRole('complementary', { name: 'Thread' });
    await waitFor(() => expect(summary()).toHaveAttribute('data-state', 'replied'));
    await boSays('two then', parentId);
    await waitFor(() => expect(within(panel).getByText('two then')).toBeInTheDocument());
    expect(summary()).toHaveAccessibleName(/^3 replies, open thread/);

    await user.click(within(panel).getByRole('button', { name: 'Close thread' }));
    await boSays('ok?', parentId);
    await waitFor(() => expect(summary()).toHaveAccessibleName(/^4 replies,\s*1 new, open thread/));
    // Kept for the next page load.
    const saved: unknown = JSON.parse(localStorage.getItem('stompkit.chat.read.ana.threads') ?? '{}');
    expect(saved).toMatchObject({ general: { read: { [parentId]: expect.any(Number) } } });
  });
});
