import type { Meta, StoryObj } from '@storybook/react-vite';
import { expect, within } from 'storybook/test';
import { PresenceListView } from '../src/chat/components/PresenceList';

const meta = {
  title: 'Chat/PresenceList',
  component: PresenceListView,
  args: {
    label: 'Online',
    people: [
      { id: 'you', name: 'You', isMe: true },
      { id: 'dalia', name: 'Dalia Haddad' },
      { id: 'ana', name: 'Ana Lima' },
      { id: 'bo', name: 'Bo Chen' },
    ],
  },
  decorators: [(Story) => <div style={{ maxInlineSize: 260 }}>{Story()}</div>],
} satisfies Meta<typeof PresenceListView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Sorted by name, with a count and "(you)". */
export const SeveralOnline: Story = {
  play: async ({ canvasElement }) => {
    const items = within(canvasElement).getAllByRole('listitem');
    await expect(items.map((li) => li.textContent)).toEqual(['Ana Lima', 'Bo Chen', 'Dalia Haddad', 'You (you)']);
    await expect(within(canvasElement).getByRole('heading')).toHaveTextContent('Online 4');
  },
};

export const JustYou: Story = { args: { people: [{ id: 'you', name: 'You', isMe: true }] } };

export const Empty: Story = { args: { people: [] } };

export const LongNames: Story = {
  args: {
    people: [
      { id: 'x', name: 'Maximiliana Alexandrovna Konstantinopolskaya-Vanderbilt' },
      { id: 'y', name: 'نور الهدى' },
      { id: 'z', name: '🦊 fox' },
    ],
  },
};

export const Dark: Story = { globals: { theme: 'dark' } };
