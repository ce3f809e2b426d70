// @vitest-environment jsdom
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { MessageData } from '../../../src/chat/components/Message';
import { MessageListView } from '../../../src/chat/components/MessageList';
import { axeViolations } from './axe';
import { wrapper } from './list-fixtures';

// jsdom lays nothing out: the log renders the newest rows that fit its assumed
// viewport at estimated heights. Scrolling and anchoring are tested in Chromium
// (test/browser/storybook.test.ts, "MessageList scrolling") and in log-layout.test.ts and virtual-log.test.ts.

const t0 = Date.UTC(2026, 10, 22, 23, 50);
const msg = (id: string, authorId: string, createdAt: number, extra: Partial<MessageData> = {}): MessageData => ({
  id,
  authorId,
  authorName: authorId[0].toUpperCase() + authorId.slice(1),
  text: `text ${id}`,
  createdAt,
  status: 'sent',
  ...extra,
});

describe('MessageListView', () => {
  it('is a labelled log with day separators and author grouping', () => {
    const messages = [msg('a', 'ana', t0), msg('b', 'ana', t0 + 60_000), msg('c', 'bo', t0 + 120_000), msg('d', 'bo', t0 + 20 * 60_000)];
    const { container } = render(<MessageListView messages={messages} label="Messages in #general" />, { wrapper });
    const log = screen.getByRole('log', { name: 'Messages in #general' });
    expect(log).toHaveAttribute('aria-live', 'off');
    const rows = [...container.querySelectorAll('.sk-day, .sk-message')];
    expect(rows.map((r) => r.getAttribute('data-day') ?? r.querySelector('.sk-message__text')?.textContent)).toEqual([
      '2026-11-22',
      'text a',
      'text b',
      'text c',
      '2026-11-23', // d is after midnight UTC: a new day, so not grouped with c
      'text d',
    ]);
    const grouped = [...container.querySelectorAll('.sk-message')].map((m) => m.hasAttribute('data-grouped'));
    expect(grouped).toEqual([false, true, false, false]);
  });

  it('retries and discards a failed message', async () => {
    const user = userEvent.setup();
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    const messages = [msg('a', 'ana', t0), msg('b', 'me', t0 + 1000, { status: 'failed', error: 'no receipt' })];
    render(<MessageListView messages={messages} currentUserId="me" onRetry={onRetry} onDiscard={onDiscard} />, { wrapper });
    const failed = screen.getByRole('group', { name: 'Message not sent' });
    expect(within(failed).getByText("Couldn't send")).toBeInTheDocument();
    await user.click(within(failed).getByRole('button', { name: 'Retry' }));
    await user.click(within(failed).getByRole('button', { name: 'Discard' }));
    expect(onRetry).toHaveBeenCalledWith('b');
    expect(onDiscard).toHaveBeenCalledWith('b');
  });

  it('keeps the rendered rows when an older page is prepended: keyed by id, not position', () => {
    const later = [msg('c', 'bo', t0 + 120_000), msg('d', 'bo', t0 + 180_000)];
    const { rerender } = render(<MessageListView messages={later} />, { wrapper });
    const rowOf = (text: string) => screen.getByText(text).closest('.sk-messages__row');
    const nodeC = rowOf('text c');
    expect(nodeC).toHaveAttribute('data-key', 'c');
    rerender(<MessageListView messages={[msg('a', 'ana', t0), msg('b', 'ana', t0 + 1000), ...later]} />);
    // The same DOM node: React moved nothing, the rows above were inserted before it.
    expect(rowOf('text c')).toBe(nodeC);
    expect(rowOf('text a')).toHaveAttribute('data-key', 'a');
  });

  it('renders only the newest rows of a long history, with a spacer standing in for the rest', () => {
    const messages = Array.from({ length: 500 }, (_, i) => msg(`m${i}`, i % 2 ? 'ana' : 'bo', t0 + i * 60_000 * 10));
    const { container } = render(<MessageListView messages={messages} />, { wrapper });
    const rows = container.querySelectorAll('.sk-messages__row');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(rows[rows.length - 1]).toHaveAttribute('data-key', 'm499');
    expect(screen.queryByText('text m0')).toBeNull();
    const spacer = container.querySelector('.sk-messages__scroller')?.children[0] as HTMLElement;
    expect(parseFloat(spacer.style.blockSize)).toBeGreaterThan(1000);
  });

  it('announces appended messages once, summarised and throttled, and not history or my own', async () => {
    vi.useFakeTimers({ now: t0 + 10 * 60_000, shouldAdvanceTime: false });
    try {
      const first = [msg('a', 'ana', t0)];
      const { container, rerender } = render(<MessageListView messages={first} currentUserId="me" />, { wrapper });
      const region = container.querySelector('[aria-live="polite"]');
      expect(region).toHaveTextContent('');

      const one = [...first, msg('b', 'bo', t0 + 1000, { text: 'hi all' })];
      rerender(<MessageListView messages={one} currentUserId="me" />);
      expect(region).toHaveTextContent('New message from Bo: hi all');

      // A burst within the throttle window is held, then told as one sentence.
      const burst = [...one, msg('c', 'ana', t0 + 2000), msg('d', 'me', t0 + 2500), msg('e', 'cy', t0 + 3000), msg('f', 'ana', t0 + 3500)];
      rerender(<MessageListView messages={burst} currentUserId="me" />);
      expect(region).toHaveTextContent('New message from Bo: hi all');
      await act(() => vi.advanceTimersByTimeAsync(2000));
      expect(region).toHaveTextContent('3 new messages from Ana and Cy');

      // Older history loading above is not news.
      rerender(<MessageListView messages={[msg('0', 'zed', t0 - 1000), ...burst]} currentUserId="me" />);
      await act(() => vi.advanceTimersByTimeAsync(5000));
      expect(region).toHaveTextContent('3 new messages from Ana and Cy');
      expect(screen.getAllByRole('log')).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('loads older history from the header button (keyboard) and shows a loading row meanwhile', async () => {
    const user = userEvent.setup();
    const onLoadOlder = vi.fn();
    const messages = [msg('a', 'ana', t0), msg('b', 'bo', t0 + 1000)];
    const { rerender } = render(<MessageListView messages={messages} onLoadOlder={onLoadOlder} />, { wrapper });
    expect(screen.queryByRole('button', { name: 'Load earlier messages' })).toBeNull(); // nothing more to load
    rerender(<MessageListView messages={messages} hasMore onLoadOlder={onLoadOlder} />);
    await user.tab(); // the scroller
    await user.tab();
    expect(screen.getByRole('button', { name: 'Load earlier messages' })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onLoadOlder).toHaveBeenCalled();
    rerender(<MessageListView messages={messages} hasMore loadingOlder onLoadOlder={onLoadOlder} />);
    expect(screen.getByText('Loading earlier messages…')).toBeInTheDocument();
  });

  it('makes the scroller keyboard focusable', async () => {
    const user = userEvent.setup();
    const { container } = render(<MessageListView messages={[msg('a', 'ana', t0)]} />, { wrapper });
    await user.tab();
    expect(container.querySelector('.sk-messages__scroller')).toHaveFocus();
  });

  it('has no axe violations', async () => {
    const messages = [msg('a', 'ana', t0), msg('b', 'me', t0 + 1000, { status: 'failed' })];
    const { container } = render(<MessageListView messages={messages} currentUserId="me" hasMore onLoadOlder={() => {}} onRetry={() => {}} label="Messages in #general" />, { wrapper });
    expect(await axeViolations(container)).toEqual([]);
  });
});
