import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { Message } from '../src/chat/components/Message';
import { ChatUsersContext } from '../src/chat/components/users';
import { ARABIC, EMOJI, LONG_WORDS, PEOPLE, T0, message } from './support/fixtures';

const meta = {
  title: 'Chat/Message',
  component: Message,
  args: {
    message: message('m1', PEOPLE.ana, 'Is the release branch cut yet?', 0),
    mine: false,
    grouped: false,
    onRetry: fn(),
    onDiscard: fn(),
    onToggleReaction: fn(),
    actions: { onReact: fn(), onEditStart: fn(), onEditSave: fn(), onEditCancel: fn(), onDelete: fn(), onCopy: fn() },
  },
  decorators: [(Story) => <div style={{ maxInlineSize: 640 }}>{Story()}</div>],
} satisfies Meta<typeof Message>;

export default meta;
type Story = StoryObj<typeof meta>;

export const FromSomeoneElse: Story = {};

export const Mine: Story = {
  args: { mine: true, message: message('m2', PEOPLE.me, 'On it — smoke-testing now.', 1) },
};

/** A continuation of the same author's run: no header, the time sits in the gutter. */
export const Grouped: Story = { args: { grouped: true } };

export const Pending: Story = {
  args: { mine: true, message: message('m3', PEOPLE.me, 'Sent while offline, waiting to go out', 2, { status: 'pending' }) },
  play: async ({ canvasElement }) => {
    const article = canvasElement.querySelector('article');
    await expect(article).toHaveAttribute('data-state', 'pending');
    await expect(within(canvasElement).getByText('Sending…')).toBeInTheDocument();
  },
};

/** A failed send says so in plain words and offers Retry and Discard (the technical reason stays in `error`). */
export const FailedWithRetry: Story = {
  args: {
    mine: true,
    message: message('m4', PEOPLE.me, 'This one did not make it', 3, { status: 'failed', error: 'refused by the broker: access_refused' }),
  },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const group = canvas.getByRole('group', { name: 'Message not sent' });
    await expect(group).toHaveTextContent("Couldn't send");
    await expect(group).not.toHaveTextContent('access_refused');
    await userEvent.click(canvas.getByRole('button', { name: 'Retry' }));
    await expect(args.onRetry).toHaveBeenCalledWith('m4');
    await userEvent.click(canvas.getByRole('button', { name: 'Discard' }));
    await expect(args.onDiscard).toHaveBeenCalledWith('m4');
  },
};

/** A send made while offline waits for the connection (it goes out by itself when the connection is back). */
export const WaitingForConnection: Story = {
  args: {
    mine: true,
    offline: true,
    message: message('m6', PEOPLE.me, 'Sent from the train', 3, { status: 'pending' }),
  },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText('Waiting for connection')).toBeInTheDocument();
  },
};

export const Edited: Story = {
  args: { message: message('m5', PEOPLE.dalia, 'Fixed the typo', 4, { editedAt: Date.UTC(2026, 2, 14, 9, 6) }) },
};

export const Deleted: Story = {
  args: { message: message('m6', PEOPLE.bo, 'oops', 5, { deleted: true }) },
};

export const WithReactions: Story = {
  args: {
    message: message('m7', PEOPLE.kenji, 'Release is out!', 6, {
      reactions: [
        { emoji: '🎉', count: 4, mine: true },
        { emoji: '🚀', count: 2, mine: false },
      ],
    }),
  },
};

/** Long unbroken words wrap inside the bubble; emoji sequences stay whole. */
export const LongWordsAndEmoji: Story = {
  args: { message: message('m8', PEOPLE.ana, `${LONG_WORDS}\n${EMOJI}`, 7) },
};

/** Text from the wire is text: markup shows literally, links are made clickable safely. */
export const MarkupIsText: Story = {
  args: { message: message('m9', PEOPLE.bo, '<script>alert("x")</script> <b>bold?</b> see https://example.com', 8) },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('script')).toBeNull();
    await expect(canvasElement.querySelector('b')).toBeNull();
    await expect(within(canvasElement).getByText(/<script>alert/)).toBeInTheDocument();
    await expect(within(canvasElement).getByRole('link', { name: 'https://example.com' })).toHaveAttribute(
      'href',
      'https://example.com/',
    );
  },
};

export const RightToLeft: Story = {
  args: { message: message('m10', PEOPLE.dalia, ARABIC, 9) },
  globals: { dir: 'rtl' },
};

export const Dark: Story = {
  args: { message: message('m11', PEOPLE.kenji, 'Dark mode, same message.', 10) },
  globals: { theme: 'dark' },
};

/** The first message of a group: initials on a colour of the person's own, author and time. */
export const WithAvatar: Story = {
  args: { message: message('m12', PEOPLE.bo, 'Cutting the release branch now.', 120) },
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('.sk-avatar')).toHaveAttribute('data-initials', 'BC');
  },
};

// A profile picture from the app (an inline image: stories make no network requests).
const PICTURE = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 36 36"><rect width="36" height="36" fill="#f3c8a0"/><circle cx="18" cy="14" r="7" fill="#6b3f1d"/><rect x="7" y="23" width="22" height="14" rx="7" fill="#2f5fd0"/></svg>',
)}`;

/** The app gives profiles (`<ChatProvider users | getUser>`): the picture replaces the initials. */
export const WithImageAvatar: Story = {
  args: { message: message('m13', PEOPLE.kenji, 'Photo avatars come from the app’s user profiles.', 121) },
  decorators: [(Story) => <ChatUsersContext.Provider value={(id) => (id === PEOPLE.kenji.id ? { image: PICTURE } : undefined)}>{Story()}</ChatUsersContext.Provider>],
  play: async ({ canvasElement }) => {
    await expect(canvasElement.querySelector('img.sk-avatar')).toHaveAttribute('src', PICTURE);
  },
};

/** The toolbar on hover and focus; "More actions" is a menu button (Edit, Copy text, Delete on one's own message). */
export const Actions: Story = {
  args: { mine: true, message: message('m14', PEOPLE.me, 'Menu, please.', 122) },
  decorators: [(Story) => <div style={{ paddingBlockStart: 160 }}>{Story()}</div>],
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    // The toolbar shows while the row has focus (or the pointer): as a keyboard user reaches it.
    canvas.getByRole('article').focus();
    await userEvent.click(canvas.getByRole('button', { name: 'More actions' }));
    const menu = canvas.getByRole('menu');
    await expect(within(menu).getAllByRole('menuitem')).toHaveLength(3);
    await expect(within(menu).getAllByRole('menuitem')[0]).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}{Enter}');
    await expect(args.actions?.onCopy).toHaveBeenCalledWith('Menu, please.');
    await userEvent.click(canvas.getByRole('button', { name: 'More actions' }));
  },
};

/** Editing in place: Enter saves, Escape cancels. */
export const Editing: Story = {
  args: { mine: true, editing: true, message: message('m15', PEOPLE.me, 'Fixing a typo in thsi message', 123) },
};

/** A thread's first message with replies the user has not seen: "2 new" until the thread is opened. */
export const ThreadWithNewReplies: Story = {
  args: {
    message: message('m16', PEOPLE.ana, 'Who can review the upload limits?', 124, {
      thread: { replies: 3, lastRepliers: ['dalia', 'bo'], lastReplyAt: T0 + 130 * 60_000, unread: 2 },
    }),
    actions: { onOpenThread: fn() },
  },
  play: async ({ canvasElement, args }) => {
    const button = within(canvasElement).getByRole('button', { name: /^3 replies\s*,\s*2 new\s*, open thread/ });
    await expect(button).toHaveAttribute('data-state', 'unread');
    await userEvent.click(button);
    await expect(args.actions?.onOpenThread).toHaveBeenCalledWith('m16');
  },
};
