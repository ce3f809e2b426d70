'use client';
import { useState, type ReactNode } from 'react';
import { useChatState } from '../hooks';
import { Composer } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { ChatLocaleProvider } from './locale';
import { MessageList } from './MessageList';
import type { MessageActionHandlers } from './message-actions';
import { PresenceDrawer } from './PresenceDrawer';
import { PresenceList } from './PresenceList';
import { RoomList } from './RoomList';
import { TypingIndicator } from './TypingIndicator';

export interface ChatRoomProps {
  /** The open room (controlled). Leave undefined and use `defaultRoomId` to let the room list switch rooms. */
  roomId?: string;
  /** The first room when uncontrolled. Default `general`. */
  defaultRoomId?: string;
  /** The user picked a room in the room list. */
  onRoomChange?: (roomId: string) => void;
  /** Show the room list. Default true. */
  showRooms?: boolean;
  /** Show who is online. Default true. */
  showPresence?: boolean;
  /** Locale for times, days and counts (e.g. `de-DE`); default the runtime's, or an enclosing `ChatLocaleProvider`'s. */
  locale?: string;
  timeZone?: string;
  /** Message layout: `compact` (default) or `bubbles` (own messages at the end side). */
  layout?: 'compact' | 'bubbles';
  /** Reactions offered on each message; default `QUICK_REACTIONS`. */
  quickReactions?: readonly string[];
  /** The app's own emoji picker, offered after the quick reactions. */
  renderReactionPicker?: MessageActionHandlers['renderReactionPicker'];
  /** Force a theme; default follows `prefers-color-scheme` (or an ancestor's `data-theme`). */
  theme?: 'light' | 'dark';
  className?: string;
}

/**
 * A complete chat: room list with unread counts, connection banner, the
 * virtualized message log, who is typing, the composer and who is online.
 * Goes under `<StompProvider>` and `<ChatProvider>`; import
 * `stompkit/styles.css` once for the default theme.
 *
 * @example
 * <StompProvider url="ws://localhost:7370/ws" connectHeaders={{ login, passcode }}>
 *   <ChatProvider userId={login}>
 *     <ChatRoom defaultRoomId="general" />
 *   </ChatProvider>
 * </StompProvider>
 */
export function ChatRoom(props: ChatRoomProps) {
  const { defaultRoomId = 'general', onRoomChange, showRooms = true, showPresence = true } = props;
  const { locale, timeZone, theme, className, layout, quickReactions, renderReactionPicker } = props;
  const [own, setOwn] = useState(defaultRoomId);
  const roomId = props.roomId ?? own;
  // Only the name: the room's history changes on every batch and must not re-render the whole room
  // (MessageList opens the room and reads what it needs).
  const name = useChatState((s) => s.rooms.find((r) => r.id === roomId)?.name);
  const select = (id: string) => {
    if (props.roomId === undefined) setOwn(id);
    onRoomChange?.(id);
  };

  const body: ReactNode = (
    // The container the layout measures: narrow rooms stack, whatever the viewport.
    <div className="sk-room-container">
      <section
        className={['sk-room', className].filter(Boolean).join(' ')}
        aria-label={`Chat: #${name ?? roomId}`}
        data-theme={theme}
        data-rooms={showRooms ? '' : undefined}
        data-presence={showPresence ? '' : undefined}
      >
        {showRooms ? <RoomList currentRoomId={roomId} onSelect={select} /> : null}
        <header className="sk-room__header">
          <h2 className="sk-room__title">
            <span aria-hidden="true">#</span> {name ?? roomId}
          </h2>
          {/* On narrow screens the online column is hidden: the header opens it as a drawer. */}
          {showPresence ? <PresenceDrawer roomId={roomId} /> : null}
        </header>
        <ConnectionBanner />
        {/* Keyed by room: each room starts at its bottom with its own scroll anchor. */}
        <MessageList key={roomId} roomId={roomId} layout={layout} quickReactions={quickReactions} renderReactionPicker={renderReactionPicker} />
        <TypingIndicator roomId={roomId} />
        <Composer roomId={roomId} />
        {showPresence ? <PresenceList roomId={roomId} /> : null}
      </section>
    </div>
  );
  return locale !== undefined || timeZone !== undefined ? (
    <ChatLocaleProvider locale={locale} timeZone={timeZone}>
      {body}
    </ChatLocaleProvider>
  ) : (
    body
  );
}
