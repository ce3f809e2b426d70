import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { ComposerView } from '../src/chat/components/ComposerView';
import { ThreadPanelView } from '../src/chat/components/ThreadPanelView';
import { PEOPLE, T0, message } from './support/fixtures';

const parent = message('p1', PEOPLE.ana, 'Should we cut the release today or wait for the fix?', 0, {
  thread: { replies: 3, lastRepliers: ['dalia', 'bo', 'you'], lastReplyAt: T0 + 12 * 60_000 },
});
const replies = [
  message('r1', PEOPLE.bo, 'Wait — the fix is in review.', 4, { parentId: 'p1' }),
  message('r2', PEOPLE.me, 'Agreed, @bo ping me when it lands.', 7, { parentId: 'p1', mentions: ['bo'] }),
  message('r3', PEOPLE.dalia, 'Reviewed and merged 🎉', 12, { parentId: 'p1' }),
];

const meta = {
  title: 'Chat/ThreadPanel',
  component: ThreadPanelView,
  args: {
    parent,
    replies,
    currentUserId: 'you',
    onClose: fn(),
    composer: (
      <ComposerView label="Reply in thread" onSend={fn()}>
        <label className="sk-composer__also">
          <input type="checkbox" /> Also send to room
        </label>
      </ComposerView>
    ),
  },
  decorators: [(Story) => <div style={{ blockSize: 560, maxInlineSize: 420, display: 'flex' }}>{Story()}</div>],
} satisfies Meta<typeof ThreadPanelView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The first message, the reply count, the replies and the thread's composer (focused on open); Escape closes. */
export const Open: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const panel = canvas.getByRole('complementary', { name: 'Thread' });
    await expect(within(panel).getByText('3 replies')).toBeInTheDocument();
    await expect(canvas.getByRole('checkbox', { name: 'Also send to room' })).not.toBeChecked();
    await expect(canvas.getByRole('textbox', { name: 'Reply in thread' })).toHaveFocus();
    await userEvent.keyboard('{Escape}');
    await expect(args.onClose).toHaveBeenCalled();
  },
};

/** A thread with no replies yet. */
export const NoRepliesYet: Story = { args: { replies: [] } };

export const Dark: Story = { globals: { theme: 'dark' } };
