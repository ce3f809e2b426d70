// @vitest-environment jsdom
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { RoomListView, type RoomListItem } from '../../../src/chat/components/RoomList';
import { axeViolations } from './axe';

const rooms: RoomListItem[] = [
  { id: 'general', name: 'general', unread: 0 },
  { id: 'random', name: 'random', unread: 3 },
  { id: 'dev', name: 'dev', unread: 1200 },
];

describe('RoomListView', () => {
  it('shows unread counts (formatted, read as "N unread") and marks the open room', () => {
    render(<RoomListView rooms={rooms} currentRoomId="general" onSelect={() => {}} />);
    const nav = screen.getByRole('navigation', { name: 'Rooms' });
    const buttons = within(nav).getAllByRole('button');
    expect(buttons.map((b) => b.textContent)).toEqual(['# general', '# random3 unread', '# dev1,200 unread']);
    expect(buttons[0]).toHaveAttribute('aria-current', 'page');
    expect(buttons[1]).not.toHaveAttribute('aria-current');
    expect(buttons[1]).toHaveAttribute('data-unread');
    expect(buttons[0]).not.toHaveAttribute('data-unread');
  });

  it('is one Tab stop; arrows, Home and End move; Enter and Space select', async () => {
    const user = userEvent.setup();
    const onSelect = vi.fn();
    render(
      <>
        <RoomListView rooms={rooms} currentRoomId="random" onSelect={onSelect} />
        <button type="button">after</button>
      </>,
    );
    const [general, random, dev] = screen.getAllByRole('button').slice(0, 3);
    await user.tab();
    expect(random).toHaveFocus(); // the open room is the tab stop
    await user.keyboard('{ArrowDown}');
    expect(dev).toHaveFocus();
    await user.keyboard('{ArrowDown}');
    expect(general).toHaveFocus(); // wraps
    await user.keyboard('{ArrowUp}');
    expect(dev).toHaveFocus();
    await user.keyboard('{Home}');
    expect(general).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith('general');
    await user.keyboard('{End}');
    await user.keyboard(' ');
    expect(onSelect).toHaveBeenLastCalledWith('dev');
    await user.tab();
    expect(screen.getByRole('button', { name: 'after' })).toHaveFocus(); // one stop, not three
  });

  it('without an open room the first room is the tab stop', async () => {
    const user = userEvent.setup();
    render(<RoomListView rooms={rooms} onSelect={() => {}} />);
    await user.tab();
    expect(screen.getAllByRole('button')[0]).toHaveFocus();
  });

  it('has no axe violations', async () => {
    const { container } = render(<RoomListView rooms={rooms} currentRoomId="dev" onSelect={() => {}} />);
    expect(await axeViolations(container)).toEqual([]);
  });
});
