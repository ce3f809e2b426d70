'use client';
import { useCallback, useState, type ReactNode } from 'react';
import type { UploadFile } from '../upload';
import { useChatState } from '../hooks';
import { Composer } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { ChatLocaleProvider } from './locale';
import { MessageList } from './MessageList';
import type { MessageActionHandlers } from './message-actions';
import { PresenceDrawer } from './PresenceDrawer';
import { PresenceList } from './PresenceList';
import { DirectMessageName } from './DirectMessageName';
import { RoomList } from './RoomList';
import { ThreadPanel } from './ThreadPanel';
import { useUploadFile } from './upload-context';
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
  /** Stores attached files (e.g. `createBrokerUpload()`, or the app's presigned uploads); default the `ChatProvider`'s. None: no Attach button. */
  uploadFile?: UploadFile;
  /** Force a theme; default follows `prefers-color-scheme` (or an ancestor's `data-theme`). */
  theme?: 'light' | 'dark';
  className?: string;
}

/**
 * A complete chat: room list (rooms and direct messages, unread and mention
 * badges), connection banner, the virtualized message log, who is typing,
 * the composer (mentions, attachments when there is an `uploadFile`), who
 * is online (with "Message" to start a direct message) and the thread panel.
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
  const uploadFile = useUploadFile(props.uploadFile);
  // The open thread belongs to its room: switching rooms leaves it closed.
  const [thread, setThread] = useState<{ roomId: string; parentId: string } | null>(null);
  const parentId = thread?.roomId === roomId ? thread.parentId : null;
  const openThread = useCallback((id: string) => setThread({ roomId, parentId: id }), [roomId]);
  // Only the name: the room's history changes on every batch and must not re-render the whole room
  // (MessageList opens the room and reads what it needs).
  const name = useChatState((s) => s.rooms.find((r) => r.id === roomId)?.name);
  const dm = useChatState((s) => s.directMessages.some((r) => r.id === roomId));
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
        data-thread={parentId ? '' : undefined}
      >
        {showRooms ? <RoomList currentRoomId={roomId} onSelect={select} /> : null}
        <header className="sk-room__header">
          <h2 className="sk-room__title">
            {dm ? <DirectMessageName roomId={roomId} /> : <><span aria-hidden="true">#</span> {name ?? roomId}</>}
          </h2>
          {/* On narrow screens the online column is hidden: the header opens it as a drawer. */}
          {showPresence ? <PresenceDrawer roomId={roomId} onStartDirectMessage={select} /> : null}
        </header>
        <ConnectionBanner />
        {/* Keyed by room: each room starts at its bottom with its own scroll anchor. */}
        <MessageList
          key={roomId}
          roomId={roomId}
          layout={layout}
          quickReactions={quickReactions}
          renderReactionPicker={renderReactionPicker}
          onOpenThread={openThread}
        />
        <TypingIndicator roomId={roomId} />
        <Composer roomId={roomId} uploadFile={uploadFile} />
        {showPresence && !parentId ? <PresenceList roomId={roomId} onStartDirectMessage={select} /> : null}
        {parentId ? <ThreadPanel key={parentId} roomId={roomId} parentId={parentId} uploadFile={uploadFile} onClose={() => setThread(null)} /> : null}
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
