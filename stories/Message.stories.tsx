import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { Message } from '../src/chat/components/Message';
import { ARABIC, EMOJI, LONG_WORDS, PEOPLE, message } from './support/fixtures';

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
