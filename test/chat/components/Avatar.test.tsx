// @vitest-environment jsdom
import { fireEvent, render, screen } from '@testing-library/react';
import { Avatar } from '../../../src/chat/components/Avatar';
import { AVATAR_COLORS, avatarColor, initials } from '../../../src/chat/components/avatar-color';
import { Message, type MessageData } from '../../../src/chat/components/Message';
import { ChatUsersContext } from '../../../src/chat/components/users';
import { axeViolations } from './axe';

const base: MessageData = { id: 'm1', authorId: 'ana', text: 'hello', createdAt: Date.UTC(2026, 2, 14, 11, 0), status: 'sent' };

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('avatar colours and initials', () => {
  it('gives each user id one colour, the same every time, from the palette', () => {
    expect(avatarColor('ana')).toBe(avatarColor('ana'));
    expect(AVATAR_COLORS).toContain(avatarColor('someone-else'));
    // Spread: twelve ids do not all land on one colour.
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].map(avatarColor)).size).toBeGreaterThan(4);
  });

  it('keeps white initials readable on every colour (WCAG AA, 4.5:1)', () => {
    for (const color of AVATAR_COLORS) expect(1.05 / (luminance(color) + 0.05)).toBeGreaterThanOrEqual(4.5);
  });

  it('takes up to two initials, whole characters', () => {
    expect(initials('Ana Lima')).toBe('AL');
    expect(initials('bo')).toBe('B');
    expect(initials('dalia.haddad')).toBe('DH');
    expect(initials('Ana Maria de Lima')).toBe('AL');
    expect(initials('😀 smile')).toBe('😀S');
    expect(initials('  ')).toBe('?');
  });
});

describe('Avatar', () => {
  it('shows initials on the user colour, or the image, falling back to initials when it fails to load', () => {
    const { container, rerender } = render(<Avatar userId="ana" name="Ana Lima" />);
    const initialsNode = container.querySelector('.sk-avatar');
    expect(initialsNode).toHaveAttribute('data-initials', 'AL');
    expect(initialsNode).toHaveTextContent(''); // drawn by the stylesheet: never part of copied text
    expect(initialsNode).toHaveAttribute('aria-hidden', 'true');
    rerender(<Avatar userId="ana" name="Ana Lima" image="https://example.com/ana.png" />);
    const img = container.querySelector('img');
    expect(img).toHaveAttribute('src', 'https://example.com/ana.png');
    expect(img).toHaveAttribute('alt', '');
    fireEvent.error(img as HTMLImageElement);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('.sk-avatar')).toHaveAttribute('data-initials', 'AL');
  });
});

describe('Message with avatars and profiles', () => {
  it('shows the avatar on the first of a group only, and the profile name and image the app gives', async () => {
    const users = { ana: { name: 'Ana Lima', image: 'https://example.com/ana.png' } };
    const { container } = render(
      <ChatUsersContext.Provider value={(id) => users[id as 'ana']}>
        <Message message={base} />
        <Message message={{ ...base, id: 'm2' }} grouped />
      </ChatUsersContext.Provider>,
    );
    const [first, second] = container.querySelectorAll('article');
    expect(first.querySelector('img.sk-avatar')).toHaveAttribute('src', users.ana.image);
    expect(screen.getByText('Ana Lima')).toBeInTheDocument();
    expect(second.querySelector('.sk-avatar')).toBeNull();
    // A follow-up's time is in the gutter, isolated from the text direction.
    expect(second.querySelector('.sk-message__gutter bdi > time')).toHaveAttribute('dateTime', new Date(base.createdAt).toISOString());
    expect(await axeViolations(container)).toEqual([]);
  });

  it('a name in the message data wins over the profile; without either the user id shows', () => {
    render(
      <ChatUsersContext.Provider value={() => ({ name: 'From profile' })}>
        <Message message={{ ...base, authorName: 'From data' }} />
      </ChatUsersContext.Provider>,
    );
    expect(screen.getByText('From data')).toBeInTheDocument();
    render(<Message message={{ ...base, id: 'x', authorId: 'kenji' }} />);
    expect(screen.getByText('kenji')).toBeInTheDocument();
  });
});
