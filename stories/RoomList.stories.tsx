import type { Meta, StoryObj } from '@storybook/react-vite';
import { useState } from 'react';
import { expect, fn, userEvent, within } from 'storybook/test';
import { RoomListView, type RoomListViewProps } from '../src/chat/components/RoomList';

const ROOMS = [
  { id: 'general', name: 'general', unread: 0 },
  { id: 'release', name: 'release', unread: 3 },
  { id: 'random', name: 'random', unread: 128 },
  { id: 'design', name: 'design', unread: 0 },
];

/** The list with selection held in state, as an app would. */
function Interactive(props: RoomListViewProps) {
  const [current, setCurrent] = useState(props.currentRoomId ?? null);
  const select = (id: string) => {
    setCurrent(id);
    props.onSelect(id);
  };
  return (
    <div style={{ maxInlineSize: 280 }}>
      <RoomListView {...props} currentRoomId={current} onSelect={select} />
    </div>
  );
}

const meta = {
  title: 'Chat/RoomList',
  component: RoomListView,
  args: { rooms: ROOMS, currentRoomId: 'general', onSelect: fn() },
  render: (args) => <Interactive {...args} />,
} satisfies Meta<typeof RoomListView>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Unread counts per room; the open room is marked current. */
export const UnreadCounts: Story = {
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    await expect(canvas.getByRole('button', { name: /release\s*3\s*unread/ })).toBeInTheDocument();
    await expect(canvas.getByRole('button', { name: /general/ })).toHaveAttribute('aria-current', 'page');
    // One Tab stop; arrows move between rooms; Enter opens.
    await userEvent.tab();
    await expect(canvas.getByRole('button', { name: /general/ })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}{Enter}');
    await expect(args.onSelect).toHaveBeenCalledWith('release');
    await expect(canvas.getByRole('button', { name: /release/ })).toHaveAttribute('aria-current', 'page');
  },
};

export const NoRooms: Story = { args: { rooms: [], currentRoomId: null } };

export const LongNames: Story = {
  args: {
    rooms: [
      { id: 'a', name: 'incident-2026-03-14-payment-gateway-timeouts-eu-west', unread: 42 },
      { id: 'b', name: 'مجموعة-التصميم', unread: 1 },
      { id: 'c', name: '🎉-launch-party', unread: 0 },
    ],
    currentRoomId: 'a',
  },
};

export const RightToLeft: Story = { globals: { dir: 'rtl' } };

export const Dark: Story = { globals: { theme: 'dark' } };

/** Direct messages under their own heading (named by the other members), with unread and mention badges. */
export const DirectMessages: Story = {
  args: {
    rooms: [ROOMS[0]!, { ...ROOMS[1]!, mentions: 1 }],
    directMessages: [
      { id: 'dm.ana.you', name: 'Ana Lima', unread: 2, mentions: 0 },
      { id: 'dm.bo.dalia.you', name: 'Bo Chen, Dalia Haddad', unread: 0 },
    ],
  },
  play: async ({ canvasElement, args }) => {
    const canvas = within(canvasElement);
    const dms = canvas.getByRole('list', { name: 'Direct messages' });
    await expect(within(dms).getAllByRole('button')).toHaveLength(2);
    await expect(canvas.getByRole('button', { name: /release.*1.*mention/ })).toHaveAttribute('data-mentioned');
    await userEvent.click(within(dms).getByRole('button', { name: /Ana Lima/ }));
    await expect(args.onSelect).toHaveBeenCalledWith('dm.ana.you');
  },
};
