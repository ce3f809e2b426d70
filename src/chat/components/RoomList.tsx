'use client';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useChat, useRooms, useUnread } from '../hooks';
import { useChatFormat } from './locale';

/** One room as the list shows it. */
export interface RoomListItem {
  id: string;
  name: string;
  /** Unread messages; 0 hides the badge. */
  unread: number;
}

export interface RoomListViewProps {
  rooms: readonly RoomListItem[];
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

/**
 * Presentational room list: one Tab stop (roving tabindex), Arrow Up/Down,
 * Home and End move between rooms, Enter or Space opens one. The open room
 * has `aria-current="page"`; unread counts are read as "3 unread".
 */
export function RoomListView({ rooms, currentRoomId, onSelect, label = 'Rooms', className }: RoomListViewProps) {
  const format = useChatFormat();
  const listRef = useRef<HTMLUListElement>(null);
  const tabStop = Math.max(
    0,
    rooms.findIndex((r) => r.id === currentRoomId),
  );

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const move = NEXT_KEYS[event.key];
    const buttons = listRef.current ? [...listRef.current.querySelectorAll<HTMLButtonElement>('.sk-rooms__room')] : [];
    if (!move || buttons.length === 0) return;
    event.preventDefault();
    const from = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[move(from < 0 ? tabStop : from, buttons.length)]?.focus();
  };

  return (
    <nav className={['sk-rooms', className].filter(Boolean).join(' ')} aria-label={label}>
      <ul className="sk-rooms__list" ref={listRef} onKeyDown={onKeyDown}>
        {rooms.map((room, index) => {
          const current = room.id === currentRoomId;
          return (
            <li key={room.id}>
              <button
                type="button"
                className="sk-rooms__room"
                tabIndex={index === tabStop ? 0 : -1}
                aria-current={current ? 'page' : undefined}
                data-state={current ? 'active' : 'inactive'}
                data-unread={room.unread > 0 ? '' : undefined}
                onClick={() => onSelect(room.id)}
              >
                <span className="sk-rooms__name">
                  <span aria-hidden="true">#</span> {room.name}
                </span>
                {room.unread > 0 ? (
                  <span className="sk-rooms__unread">
                    {format.count(room.unread)}
                    <span className="sk-visually-hidden"> unread</span>
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
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
 * The room directory with live unread counts, from the chat client. Every
 * listed room is watched while mounted so its count moves without opening it.
 */
export function RoomList(props: RoomListProps) {
  const chat = useChat();
  const rooms = useRooms();
  const unread = useUnread();
  const ids = rooms.map((r) => r.id).join('\n');
  useEffect(() => {
    const releases = ids ? ids.split('\n').map((id) => chat.watchRoom(id)) : [];
    return () => releases.forEach((release) => release());
  }, [chat, ids]);
  const items = useMemo(() => rooms.map((r) => ({ id: r.id, name: r.name, unread: unread[r.id] ?? 0 })), [rooms, unread]);
  return <RoomListView rooms={items} {...props} />;
}
