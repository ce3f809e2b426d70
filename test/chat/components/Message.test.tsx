// @vitest-environment jsdom
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Message, type MessageData } from '../../../src/chat/components/Message';
import { axeViolations } from './axe';

const base: MessageData = { id: 'm1', authorId: 'ana', authorName: 'Ana', text: 'hello', createdAt: Date.UTC(2026, 10, 23, 9), status: 'sent' };

describe('Message', () => {
  it('shows <script> text as text: no element is created', () => {
    const text = '<script>window.pwned = true</script><img src=x onerror="alert(1)">';
    const { container } = render(<Message message={{ ...base, text }} />);
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByText(text)).toBeInTheDocument();
    expect((window as unknown as { pwned?: boolean }).pwned).toBeUndefined();
  });

  it('links http(s) safely and leaves javascript: as text', () => {
    const { container } = render(<Message message={{ ...base, text: 'go https://example.com or javascript:alert(1)' }} />);
    const links = container.querySelectorAll('a');
    expect(links).toHaveLength(1);
    expect(links[0]).toHaveAttribute('href', 'https://example.com/');
    expect(links[0]).toHaveAttribute('rel', 'noopener noreferrer');
    expect(screen.getByText(/javascript:alert\(1\)/)).toBeInTheDocument();
  });

  it('shows author and time unless grouped, and edited and deleted states', () => {
    const { rerender, container } = render(<Message message={{ ...base, editedAt: base.createdAt + 1 }} />);
    expect(screen.getByText('Ana')).toBeInTheDocument();
    expect(screen.getByText('(edited)')).toBeInTheDocument();
    expect(container.querySelector('time')).toHaveAttribute('dateTime', new Date(base.createdAt).toISOString());
    rerender(<Message message={{ ...base, deleted: true }} grouped />);
    expect(screen.queryByText('Ana')).toBeNull();
    expect(screen.queryByText('hello')).toBeNull();
    expect(screen.getByText('This message was deleted')).toBeInTheDocument();
    expect(container.querySelector('article')).toHaveAttribute('data-state', 'deleted');
  });

  it('offers Retry and Discard on a failed message, by mouse and keyboard', async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    render(<Message message={{ ...base, status: 'failed', error: 'timeout' }} onRetry={onRetry} onDiscard={onDiscard} />);
    expect(screen.getByText("Couldn't send")).toBeInTheDocument();
    expect(screen.queryByText(/timeout/)).toBeNull(); // the detail is for logs, not for the user
    await user.tab();
    expect(screen.getByRole('article')).toHaveFocus(); // the row itself comes first
    await user.tab();
    expect(screen.getByRole('button', { name: 'Retry' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onRetry).toHaveBeenCalledExactlyOnceWith('m1');
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledTimes(2);
    await user.tab();
    expect(screen.getByRole('button', { name: 'Discard' })).toHaveFocus();
    await user.keyboard(' ');
    expect(onDiscard).toHaveBeenCalledWith('m1');
  });

  it('says a pending send waits for the connection while offline', () => {
    const { rerender } = render(<Message message={{ ...base, status: 'pending' }} offline />);
    expect(screen.getByText('Waiting for connection')).toBeInTheDocument();
    rerender(<Message message={{ ...base, status: 'pending' }} />);
    expect(screen.getByText('Sending…')).toBeInTheDocument();
  });

  it('shows "Sending…" while pending and no retry', () => {
    render(<Message message={{ ...base, status: 'pending' }} onRetry={() => {}} />);
    expect(screen.getByText('Sending…')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).toBeNull();
  });

  it('renders reactions with counts and aria-pressed for mine, toggled with Enter', async () => {
    const user = userEvent.setup();
    const onToggle = vi.fn();
    const reactions = [
      { emoji: '👍', count: 3, mine: true },
      { emoji: '🎉', count: 1, mine: false },
      { emoji: '😢', count: 0, mine: false },
    ];
    render(<Message message={{ ...base, reactions }} onToggleReaction={onToggle} />);
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['👍 3', '🎉 1']);
    expect(buttons[0]).toHaveAttribute('aria-pressed', 'true');
    expect(buttons[1]).toHaveAttribute('aria-pressed', 'false');
    buttons[1].focus();
    await user.keyboard('{Enter}');
    expect(onToggle).toHaveBeenCalledWith('m1', '🎉', false);
  });

  it('has no axe violations in its failed, reacted and grouped states', async () => {
    const reactions = [{ emoji: '👍', count: 2, mine: true }];
    const { container } = render(
      <>
        <Message message={{ ...base, status: 'failed', reactions }} onRetry={() => {}} onDiscard={() => {}} onToggleReaction={() => {}} />
        <Message message={{ ...base, id: 'm2', text: 'see https://example.com' }} grouped />
      </>,
    );
    expect(await axeViolations(container)).toEqual([]);
  });
});
