// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MessageData } from '../../../src/chat/components/Message';
import { MessageListView } from '../../../src/chat/components/MessageList';
import { axeViolations } from './axe';
import { wrapper } from './list-fixtures';

const t0 = Date.UTC(2026, 2, 14, 10, 59);
const msg = (id: string, authorId: string, minutes: number, extra: Partial<MessageData> = {}): MessageData => ({
  id,
  authorId,
  text: `text ${id}`,
  createdAt: t0 + minutes * 60_000,
  status: 'sent',
  ...extra,
});

describe('MessageListView states', () => {
  it('an empty room says so; the slot replaces it', async () => {
    const { container, rerender } = render(<MessageListView messages={[]} label="Messages in #general" />, { wrapper });
    expect(screen.getByText('No messages yet')).toBeInTheDocument();
    expect(await axeViolations(container)).toEqual([]);
    rerender(<MessageListView messages={[]} emptyState={<p>Be the first</p>} />);
    expect(screen.getByText('Be the first')).toBeInTheDocument();
    expect(screen.queryByText('No messages yet')).toBeNull();
  });

  it('the first load shows skeleton rows and a busy log; the slot replaces them', async () => {
    const { container, rerender } = render(<MessageListView messages={[]} loading label="Messages" />, { wrapper });
    expect(screen.getByRole('log')).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('status')).toHaveTextContent('Loading messages…');
    expect(container.querySelectorAll('.sk-skeleton__row').length).toBeGreaterThanOrEqual(3);
    expect(await axeViolations(container)).toEqual([]);
    rerender(<MessageListView messages={[]} loading loadingState={<p>Fetching…</p>} />);
    expect(screen.getByText('Fetching…')).toBeInTheDocument();
  });

  it('a failed history load offers Retry, above the messages or in place of an empty log; the slot replaces it', async () => {
    const user = userEvent.setup();
    const onRetryHistory = vi.fn();
    const { container, rerender } = render(
      <MessageListView messages={[msg('a', 'ana', 0)]} historyError="timeout" onRetryHistory={onRetryHistory} hasMore onLoadOlder={() => {}} />,
      { wrapper },
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent("Couldn't load earlier messages");
    expect(alert).not.toHaveTextContent('timeout');
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(onRetryHistory).toHaveBeenCalledTimes(1);
    expect(await axeViolations(container)).toEqual([]);
    rerender(<MessageListView messages={[]} historyError="timeout" onRetryHistory={onRetryHistory} />);
    expect(screen.getByRole('alert')).toHaveTextContent("Couldn't load earlier messages");
    rerender(<MessageListView messages={[]} historyError="timeout" errorState={<p>Offline history</p>} />);
    expect(screen.getByText('Offline history')).toBeInTheDocument();
  });

  it('marks the layout (compact by default, bubbles on request) for the stylesheet', () => {
    const { container, rerender } = render(<MessageListView messages={[msg('a', 'ana', 0)]} />, { wrapper });
    expect(container.querySelector('.sk-messages')).toHaveAttribute('data-layout', 'compact');
    rerender(<MessageListView messages={[msg('a', 'ana', 0)]} layout="bubbles" />);
    expect(container.querySelector('.sk-messages')).toHaveAttribute('data-layout', 'bubbles');
  });

  it('edits one message in place from its menu, then returns focus to its row', async () => {
    const user = userEvent.setup();
    const onEditSave = vi.fn();
    const messages = [msg('a', 'me', 0), msg('b', 'me', 1), msg('c', 'ana', 2)];
    render(<MessageListView messages={messages} currentUserId="me" actions={{ onEditSave, onDelete: () => {} }} />, { wrapper });
    const rowB = screen.getByText('text b').closest('article') as HTMLElement;
    await user.click(within(rowB).getByRole('button', { name: 'More actions' }));
    await user.click(screen.getByRole('menuitem', { name: /Edit/ }));
    const box = screen.getByRole('textbox', { name: 'Edit message' });
    expect(box).toHaveFocus();
    expect(screen.getAllByRole('textbox', { name: 'Edit message' })).toHaveLength(1);
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    expect(screen.getByText('text b').closest('article')).toHaveFocus();
    await user.keyboard('e');
    await user.clear(screen.getByRole('textbox', { name: 'Edit message' }));
    await user.keyboard('text b, fixed{Enter}');
    expect(onEditSave).toHaveBeenCalledExactlyOnceWith('b', 'text b, fixed');
    expect(screen.queryByRole('textbox', { name: 'Edit message' })).toBeNull();
    // Someone else's message offers no Edit.
    const rowC = screen.getByText('text c').closest('article') as HTMLElement;
    await user.click(within(rowC).getByRole('button', { name: 'More actions' }));
    expect(screen.queryByRole('menuitem', { name: /Edit/ })).toBeNull();
  });
});
