import type { Meta, StoryObj } from '@storybook/react-vite';
import { useEffect, useState, type ReactNode } from 'react';
import { expect, fn, userEvent, waitFor, within } from 'storybook/test';
import type { MessageData } from '../src/chat/components/Message';
import { MessageListView, type MessageListViewProps } from '../src/chat/components/MessageList';
import { ARABIC, CONVERSATION, EMOJI, LONG_WORDS, PEOPLE, history, message } from './support/fixtures';

/** The list needs a height to virtualize in; a chat pane gives it one. */
function Pane({ children }: { children: ReactNode }) {
  return <div style={{ blockSize: 480, display: 'flex', flexDirection: 'column', maxInlineSize: 760 }}>{children}</div>;
}

const meta = {
  title: 'Chat/MessageList',
  component: MessageListView,
  args: {
    messages: CONVERSATION,
    label: 'Messages in #general',
    currentUserId: PEOPLE.me.id,
    hasMore: false,
    loadingOlder: false,
    onRetry: fn(),
    onDiscard: fn(),
    onToggleReaction: fn(),
    onLoadOlder: fn(),
    actions: { onReact: fn(), onEditSave: fn(), onDelete: fn(), onCopy: fn() },
  },
  decorators: [(Story) => <Pane>{Story()}</Pane>],
} satisfies Meta<typeof MessageListView>;

export default meta;
type Story = StoryObj<typeof meta>;

export const Conversation: Story = {
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('log', { name: 'Messages in #general' })).toBeInTheDocument();
  },
};

/** A room without messages: the built-in empty state (replaceable through `emptyState`). */
export const EmptyRoom: Story = {
  args: { messages: [] },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText('No messages yet')).toBeInTheDocument();
  },
};

/** The first page is on its way: skeleton rows (replaceable through `loadingState`). */
export const Loading: Story = {
  args: { messages: [], loading: true },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByRole('log')).toHaveAttribute('aria-busy', 'true');
  },
};

/** Loading earlier messages failed: said above the first message, with Retry (replaceable through `errorState` when the log is empty). */
export const HistoryError: Story = {
  args: { hasMore: true, historyError: 'no answer from the broker', onRetryHistory: fn() },
  play: async ({ canvasElement, args }) => {
    await userEvent.click(within(canvasElement).getByRole('button', { name: 'Retry' }));
    await expect(args.onRetryHistory).toHaveBeenCalled();
  },
};

/** Runs of one author: avatar and name once, follow-ups 2px apart, their time in the gutter on hover. */
export const Grouped: Story = {
  args: {
    messages: [
      message('g1', PEOPLE.bo, 'Three things before the release:', 0),
      message('g2', PEOPLE.bo, 'the changelog', 1),
      message('g3', PEOPLE.bo, 'the migration note', 1.5),
      message('g4', PEOPLE.ana, 'I can take the migration note.', 3),
      message('g5', PEOPLE.me, 'Changelog is mine.', 4),
      message('g6', PEOPLE.me, 'Done, have a look.', 6),
    ],
  },
};

/** One person around 11 o'clock: the widest times ("10:59 AM", "11:00 AM") stay on one line in the gutter. */
export const LongThreadOfOneAuthor: Story = {
  args: {
    messages: Array.from({ length: 14 }, (_, i) =>
      message(`t${i}`, PEOPLE.kenji, ['Benchmarks for the fan-out:', 'p50 1.2 ms', 'p99 4.8 ms', 'one more run with 10k peers…'][i % 4], 119 + i * 0.25),
    ),
  },
  play: async ({ canvasElement }) => {
    const rows = [...canvasElement.querySelectorAll('.sk-message[data-grouped]')];
    await expect(rows.length).toBeGreaterThan(5);
  },
};

/** Own messages at the end side, in bubbles (`layout="bubbles"`). */
export const Bubbles: Story = { args: { layout: 'bubbles' } };

/** Older pages load when the reader reaches the top; the visible message stays put. */
function PagedHistory(props: MessageListViewProps) {
  const [messages, setMessages] = useState(() => history(30, { prefix: 'p0-' }));
  const [pages, setPages] = useState(1);
  const [loading, setLoading] = useState(false);
  const loadOlder = () => {
    props.onLoadOlder?.();
    setLoading(true);
    // A page from the stream takes a moment; then 30 older messages arrive above.
    setTimeout(() => {
      setMessages((current) => [...history(30, { prefix: `p${pages}-`, endMinute: -30 * 47 * pages - 47 }), ...current]);
      setPages((n) => n + 1);
      setLoading(false);
    }, 900);
  };
  return <MessageListView {...props} messages={messages} hasMore={pages < 5} loadingOlder={loading} onLoadOlder={loadOlder} />;
}

export const LongHistoryLoadingOlder: Story = {
  render: (args) => <PagedHistory {...args} />,
};

/** The state while a page is on its way: "Loading earlier messages…" above the first row. */
export const LoadingOlderPage: Story = {
  args: { messages: history(40), hasMore: true, loadingOlder: true },
};

/** 300 messages arrive in a burst, 20 at a time; the list follows the bottom. */
function Burst(props: MessageListViewProps) {
  const [messages, setMessages] = useState<MessageData[]>(() => CONVERSATION);
  useEffect(() => {
    let n = 0;
    const timer = setInterval(() => {
      const batch = Array.from({ length: 20 }, (_, i) =>
        message(`burst-${n + i}`, i % 2 ? PEOPLE.kenji : PEOPLE.bo, `Incoming #${n + i + 1}`, 20 + (n + i) / 60),
      );
      n += batch.length;
      setMessages((current) => [...current, ...batch]);
      if (n >= 300) clearInterval(timer);
    }, 50);
    return () => clearInterval(timer);
  }, []);
  return <MessageListView {...props} messages={messages} />;
}

export const BurstOfIncoming: Story = {
  render: (args) => <Burst {...args} />,
  play: async ({ canvasElement }) => {
    const log = within(canvasElement).getByRole('log');
    await waitFor(() => expect(canvasElement.querySelector('.sk-messages')).toHaveAttribute('data-state', 'following'), {
      timeout: 5_000,
    });
    await expect(log).toBeInTheDocument();
  },
};

/** Retry moves a failed message back to pending; here it then goes through. */
function RetryDemo(props: MessageListViewProps) {
  const [messages, setMessages] = useState<MessageData[]>(() => [
    ...CONVERSATION,
    message('q1', PEOPLE.me, 'Queued while offline', 14, { status: 'pending' }),
    message('f1', PEOPLE.me, 'This one failed', 15, { status: 'failed', error: 'no receipt within 15 s' }),
  ]);
  const setStatus = (id: string, status: MessageData['status']) =>
    setMessages((current) => current.map((m) => (m.id === id ? { ...m, status, error: undefined } : m)));
  const retry = (id: string) => {
    props.onRetry?.(id);
    setStatus(id, 'pending');
    setTimeout(() => setStatus(id, 'sent'), 800);
  };
  const discard = (id: string) => {
    props.onDiscard?.(id);
    setMessages((current) => current.filter((m) => m.id !== id));
  };
  return <MessageListView {...props} messages={messages} onRetry={retry} onDiscard={discard} />;
}

export const PendingAndFailedWithRetry: Story = {
  render: (args) => <RetryDemo {...args} />,
};

export const LongWordsAndEmoji: Story = {
  args: {
    messages: [
      message('l1', PEOPLE.ana, LONG_WORDS, 0),
      message('l2', PEOPLE.bo, EMOJI, 1),
      message('l3', PEOPLE.me, `${EMOJI} ${LONG_WORDS}`, 2),
    ],
  },
};

export const RightToLeft: Story = {
  args: {
    messages: [
      message('r1', PEOPLE.dalia, ARABIC, 0),
      message('r2', PEOPLE.me, 'نعم، وصلت كلها مرة واحدة وبالترتيب.', 1),
      message('r3', PEOPLE.dalia, 'ممتاز 👍', 2),
    ],
  },
  globals: { dir: 'rtl' },
};

export const Dark: Story = { globals: { theme: 'dark' } };

export const MobileWidth: Story = {
  decorators: [(Story) => <div style={{ inlineSize: 360 }}>{Story()}</div>],
};
