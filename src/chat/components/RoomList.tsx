'use client';
import { useContext, useEffect, useId, useMemo, useRef, type KeyboardEvent } from 'react';
import { useChat, useDirectMessages, useMentions, useRooms, useUnread } from '../hooks';
import { directMessageName } from './DirectMessageName';
import { RoomListEntry, type RoomListItem } from './RoomListEntry';
import { ChatUsersContext } from './users';

export type { RoomListItem } from './RoomListEntry';

export interface RoomListViewProps {
  rooms: readonly RoomListItem[];
  /** Listed under a "Direct messages" heading (names without "#"); none: no heading. */
  directMessages?: readonly RoomListItem[];
  currentRoomId?: string | null;
  onSelect(roomId: string): void;
  /** Accessible name of the navigation, default "Rooms". */
  label?: string;
  className?: string;
}

const NEXT_KEYS: Record<string, (i: number, n: number) => number> = {
  ArrowDown: (i, n) => (i + 1) % n,
  ArrowUp: (i, n) => (i - 1 + n) % n,
  Home: () => 0,
  End: (_i, n) => n - 1,
};

const NO_ITEMS: readonly RoomListItem[] = [];

/**
 * Presentational room list: rooms, then direct messages under their own
 * heading. One Tab stop (roving tabindex) over both; Arrow Up/Down, Home and
 * End move, Enter or Space opens. The open room has `aria-current="page"`;
 * counts are read as "3 unread" and "1 mention".
 */
export function RoomListView({ rooms, directMessages = NO_ITEMS, currentRoomId, onSelect, label = 'Rooms', className }: RoomListViewProps) {
  const navRef = useRef<HTMLElement>(null);
  const dmHeading = useId();
  const all = [...rooms, ...directMessages];
  const tabStop = Math.max(
    0,
    all.findIndex((r) => r.id === currentRoomId),
  );

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const move = NEXT_KEYS[event.key];
    const buttons = navRef.current ? [...navRef.current.querySelectorAll<HTMLButtonElement>('.sk-rooms__room')] : [];
    if (!move || buttons.length === 0) return;
    event.preventDefault();
    const from = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[move(from < 0 ? tabStop : from, buttons.length)]?.focus();
  };
  const entry = (room: RoomListItem, index: number, direct: boolean) => (
    <RoomListEntry key={room.id} room={room} direct={direct} current={room.id === currentRoomId} tabStop={index === tabStop} onSelect={onSelect} />
  );

  return (
    <nav ref={navRef} className={['sk-rooms', className].filter(Boolean).join(' ')} aria-label={label} onKeyDown={onKeyDown}>
      <ul className="sk-rooms__list">{rooms.map((room, i) => entry(room, i, false))}</ul>
      {directMessages.length > 0 ? (
        <>
          <h3 className="sk-rooms__heading" id={dmHeading}>
            Direct messages
          </h3>
          <ul className="sk-rooms__list" aria-labelledby={dmHeading}>
            {directMessages.map((room, i) => entry(room, rooms.length + i, true))}
          </ul>
        </>
      ) : null}
    </nav>
  );
}

export interface RoomListProps {
  currentRoomId?: string | null;
  onSelect(roomId: string): void;
  label?: string;
  className?: string;
}

/**
 * The room directory and the user's direct messages with live unread and
 * mention counts, from the chat client. Every listed room is watched while
 * mounted so its counts move without opening it.
 */
export function RoomList(props: RoomListProps) {
  const chat = useChat();
  const rooms = useRooms();
  const dms = useDirectMessages();
  const unread = useUnread();
  const mentions = useMentions();
  const user = useContext(ChatUsersContext);
  const ids = [...rooms, ...dms].map((r) => r.id).join('\n');
  useEffect(() => {
    const releases = ids ? ids.split('\n').map((id) => chat.watchRoom(id)) : [];
    return () => releases.forEach((release) => release());
  }, [chat, ids]);
  const items = useMemo(() => rooms.map((r) => ({ id: r.id, name: r.name, unread: unread[r.id] ?? 0, mentions: mentions[r.id] ?? 0 })), [rooms, unread, mentions]);
  const direct = useMemo(
    () => dms.map((r) => ({ id: r.id, name: directMessageName(r.id, chat.userId, user), unread: unread[r.id] ?? 0, mentions: mentions[r.id] ?? 0 })),
    [dms, unread, mentions, chat.userId, user],
  );
  return <RoomListView rooms={items} directMessages={direct} {...props} />;
}
