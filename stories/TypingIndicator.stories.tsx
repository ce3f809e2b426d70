import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { TypingIndicatorView } from '../src/chat/components/TypingIndicator';

const meta = {
  title: 'Chat/TypingIndicator',
  component: TypingIndicatorView,
  args: { names: ['Ana'] },
} satisfies Meta<typeof TypingIndicatorView>;

export default meta;
type Story = StoryObj<typeof meta>;

export const OnePerson: Story = {
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText('Ana is typing')).toBeInTheDocument();
  },
};

export const TwoPeople: Story = { args: { names: ['Ana', 'Bo'] } };

export const Several: Story = {
  args: { names: ['Ana', 'Bo', 'Dalia', 'Kenji'] },
  play: async ({ canvasElement }) => {
    await expect(within(canvasElement).getByText('4 people are typing')).toBeInTheDocument();
  },
};

/** Nobody typing: the line keeps its height so the layout does not jump. */
export const Nobody: Story = { args: { names: [] } };

export const Dark: Story = { args: { names: ['Ana', 'Bo'] }, globals: { theme: 'dark' } };

export const RightToLeft: Story = { args: { names: ['نور'] }, globals: { dir: 'rtl' } };
