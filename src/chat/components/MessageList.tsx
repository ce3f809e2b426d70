'use client';
import { memo, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { SessionState } from '../../core/types';
import { useConnectionState } from '../../react/index';
import { useChat, useMessageActions, useMessages, useRoom } from '../hooks';
import { DAY_KEY_PREFIX, buildListItems, type ListItem } from './list-items';
import { LiveAnnouncer } from './LiveAnnouncer';
import { useChatFormat } from './locale';
import type { MessageData } from './Message';
import { LoadingHeader, MessageRow, type RowContext } from './MessageRow';
import { useFollow } from './use-follow';
import { useMarkRead, useReading } from './use-mark-read';
import { VirtualLog } from './virtual-log';

export interface MessageListViewProps extends RowContext {
  /** The room's messages, oldest first. */
  messages: readonly MessageData[];
  /** Accessible name of the log, e.g. "Messages in #general". */
  label?: string;
  /** More history exists above; scrolling to the top calls `onLoadOlder`. */
  hasMore?: boolean;
  onLoadOlder?: () => void;
  /** Max ms between two messages of one author to group them. Default 5 minutes. */
  groupWindowMs?: number;
  /** The user reached (true) or left (false) the bottom of the log. */
  onAtBottomChange?: (atBottom: boolean) => void;
  className?: string;
}

/**
 * Presentational, virtualized message log. Follows the bottom while the user
 * is there (and always after the user's own send); keeps the visible message
 * in place when older pages load above and when rows change height; a "new
 * messages" button appears when scrolled up; day separators and author
 * grouping; Retry/Discard on failed sends. New messages are announced by one
 * throttled polite live region, so the log itself is `aria-live="off"`.
 *
 * Only the rows near the viewport are in the DOM (see `VirtualLog`); the
 * rest are stood in for by two spacers.
 */
export function MessageListView(props: MessageListViewProps) {
  const { messages, label = 'Messages', hasMore, onLoadOlder, groupWindowMs, onAtBottomChange, className } = props;
  const { currentUserId, offline, loadingOlder, onRetry, onDiscard, onToggleReaction } = props;
  const format = useChatFormat();
  const items = useMemo(
    () => buildListItems(messages, { dayKey: format.dayKey, groupWindowMs }),
    [messages, format, groupWindowMs],
  );
  const keys = useMemo(() => items.map((item) => item.key), [items]);
  const loadOlder = hasMore && onLoadOlder ? onLoadOlder : undefined;
  // One context object per change of these, so memoized rows are not handed a new one every render.
  const context = useMemo<RowContext>(
    () => ({ currentUserId, offline, loadingOlder, onRetry, onDiscard, onToggleReaction, loadOlder }),
    [currentUserId, offline, loadingOlder, onRetry, onDiscard, onToggleReaction, loadOlder],
  );
  const { atBottom, unseen, onAtBottom, startReached } = useFollow({ messages, loadingOlder, loadOlder, onAtBottomChange });
  const [log] = useState(() => new VirtualLog({ onAtBottomChange: onAtBottom, onStartReached: startReached }, isMessageKey));
  const version = useSyncExternalStore(log.subscribe, log.getVersion, log.getVersion);
  const last = messages[messages.length - 1];
  // The user's own new message brings the log to the bottom, wherever they were.
  const stick = last !== undefined && last.id !== log.lastKey && currentUserId !== undefined && last.authorId === currentUserId;
  // `version` is the log saying "render again": the rows it wants changed.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => log.range(keys, stick), [log, keys, stick, version]);
  const scroller = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => (scroller.current ? log.attachScroller(scroller.current) : undefined), [log]);
  // After every commit, not only when rows change: the header above them (loading, load button) moves them too.
  useLayoutEffect(() => log.committed(keys, range, stick));

  return (
    <div className={['sk-messages', className].filter(Boolean).join(' ')} data-state={atBottom ? 'following' : 'scrolled'}>
      {/* Focusable so keyboard users can scroll history with arrows and Page Up. */}
      <div ref={scroller} role="log" aria-live="off" aria-label={label} tabIndex={0} className="sk-messages__scroller">
        <LoadingHeader context={context} />
        <div style={{ blockSize: range.before }} aria-hidden="true" />
        {items.slice(range.start, range.end).map((item) => (
          <Row key={item.key} item={item} context={context} log={log} />
        ))}
        <div style={{ blockSize: range.after }} aria-hidden="true" />
      </div>
      {!atBottom ? (
        <button
          type="button"
          className="sk-button sk-messages__jump"
          data-state={unseen > 0 ? 'unseen' : 'none'}
          onClick={() => log.scrollToBottom()}
        >
          {unseen > 0 ? `${format.count(unseen)} new ${unseen === 1 ? 'message' : 'messages'}` : 'Jump to latest'}
          <span aria-hidden="true"> ↓</span>
        </button>
      ) : null}
      <LiveAnnouncer messages={messages} currentUserId={currentUserId} />
    </div>
  );
}

/** One rendered row, measured by the log while it is mounted; renders again only when its item or the shared context changes. */
const Row = memo(function Row({ item, context, log }: { item: ListItem; context: RowContext; log: VirtualLog }) {
  const element = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => (element.current ? log.attachRow(item.key, element.current) : undefined), [log, item.key]);
  return (
    <div ref={element} className="sk-messages__row" data-key={item.key}>
      <MessageRow item={item} context={context} />
    </div>
  );
});

const ignore = () => undefined;
/** Day separators move up when older messages of their day load: only messages hold the reader's place. */
const isMessageKey = (key: string) => !key.startsWith(DAY_KEY_PREFIX);

export interface MessageListProps {
  roomId: string;
  label?: string;
  className?: string;
}

/**
 * The message log of `roomId`, wired to the chat client: opens the room while
 * mounted, pages older history, retries and discards failed sends, toggles
 * reactions, and marks the room read while the user sees its bottom.
 */
export function MessageList(props: MessageListProps) {
  // One log per room: its scroll position, anchor and "left the bottom at" belong to that room.
  return <RoomMessageList key={props.roomId} {...props} />;
}

function RoomMessageList({ roomId, label, className }: MessageListProps) {
  const chat = useChat();
  const room = useRoom(roomId);
  const messages = useMessages(roomId);
  const actions = useMessageActions(roomId);
  const offline = useConnectionState(isOffline);
  const [atBottom, setAtBottom] = useState(true);
  const lastId = messages[messages.length - 1]?.id;
  useMarkRead(room.markRead, atBottom, lastId);
  useReading(chat.store, roomId, atBottom);
  // Failures already show (failed status, history error) and reach the provider's onError.
  const { loadOlder } = room;
  const on = useMemo(
    () => ({
      loadOlder: () => void loadOlder().catch(ignore),
      retry: (id: string) => void actions.retry(id).catch(ignore),
      toggle: (id: string, emoji: string) => void actions.toggleReaction(id, emoji).catch(ignore),
    }),
    [loadOlder, actions],
  );
  return (
    <MessageListView
      messages={messages}
      label={label ?? `Messages in #${room.room?.name ?? roomId}`}
      className={className}
      currentUserId={chat.userId ?? undefined}
      offline={offline}
      hasMore={room.history.hasOlder}
      loadingOlder={room.history.loading}
      onLoadOlder={on.loadOlder}
      onRetry={on.retry}
      onDiscard={actions.discard}
      onToggleReaction={on.toggle}
      onAtBottomChange={setAtBottom}
    />
  );
}

const isOffline = (state: SessionState): boolean => state.status !== 'connected';
