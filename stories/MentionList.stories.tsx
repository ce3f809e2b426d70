import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, fn, userEvent, within } from 'storybook/test';
import { ComposerView } from '../src/chat/components/ComposerView';
import { PEOPLE } from './support/fixtures';

const meta = {
  title: 'Chat/MentionList',
  component: ComposerView,
  args: { label: 'Message #general', onSend: fn(), mentionCandidates: [PEOPLE.ana, PEOPLE.bo, PEOPLE.dalia, PEOPLE.kenji] },
  decorators: [(Story) => <div style={{ maxInlineSize: 640, paddingBlockStart: 200 }}>{Story()}</div>],
} satisfies Meta<typeof ComposerView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** `@` lists the room's people; Arrow Down moves, Enter inserts `@login `. */
export const Mentioning: Story = {
  play: async ({ canvasElement }) => {
    const canvas = within(canvasElement);
    const box = canvas.getByRole('textbox', { name: 'Message #general' });
    await userEvent.type(box, 'thanks @');
    const list = canvas.getByRole('listbox', { name: 'Mention someone' });
    await expect(within(list).getAllByRole('option')).toHaveLength(4);
    await userEvent.keyboard('{ArrowDown}{Enter}');
    await expect(box).toHaveValue('thanks @bo ');
  },
};

export const Dark: Story = { ...Mentioning, globals: { theme: 'dark' } };
