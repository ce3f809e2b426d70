'use client';
import { useChatFormat } from './locale';

/** One room as the list shows it. */
export interface RoomListItem {
  id: string;
  name: string;
  /** Unread messages; 0 hides the badge. */
  unread: number;
  /** Unread messages mentioning the current user: a badge of its own; 0 hides it. */
  mentions?: number;
}

export interface RoomListEntryProps {
  room: RoomListItem;
  current: boolean;
  tabStop: boolean;
  /** A direct message: no "#" before the name. */
  direct?: boolean;
  onSelect(roomId: string): void;
}

/** A room's button: its name, then the mention badge ("@ 2 mentions") and the unread count ("3 unread"). */
export function RoomListEntry({ room, current, tabStop, direct, onSelect }: RoomListEntryProps) {
  const format = useChatFormat();
  const mentions = room.mentions ?? 0;
  return (
    <li>
      <button
        type="button"
        className="sk-rooms__room"
        tabIndex={tabStop ? 0 : -1}
        aria-current={current ? 'page' : undefined}
        data-state={current ? 'active' : 'inactive'}
        data-unread={room.unread > 0 ? '' : undefined}
        data-mentioned={mentions > 0 ? '' : undefined}
        onClick={() => onSelect(room.id)}
      >
        <span className="sk-rooms__name">
          {direct ? null : <span aria-hidden="true"># </span>}
          <bdi>{room.name}</bdi>
        </span>
        {mentions > 0 ? (
          <span className="sk-rooms__mentions">
            <span aria-hidden="true">@</span>
            {format.count(mentions)}
            <span className="sk-visually-hidden">{mentions === 1 ? ' mention' : ' mentions'}</span>
          </span>
        ) : null}
        {room.unread > 0 ? (
          <span className="sk-rooms__unread">
            {format.count(room.unread)}
            <span className="sk-visually-hidden"> unread</span>
          </span>
        ) : null}
      </button>
    </li>
  );
}
