'use client';
import { useContext, useMemo, useRef, useState } from 'react';
import { Virtuoso, VirtuosoMockContext, type VirtuosoHandle } from 'react-virtuoso';
import { useChat, useMessageActions, useMessages, useRoom } from '../hooks';
import { buildListItems, type ListItem } from './list-items';
import { LiveAnnouncer } from './LiveAnnouncer';
import { useChatFormat } from './locale';
import type { MessageData } from './Message';
import { LoadingHeader, MessageRow, Scroller, type RowContext } from './MessageRow';
import { useFirstItemIndex } from './use-first-item-index';
import { useFollow } from './use-follow';
import { useMarkRead } from './use-mark-read';

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

const ignore = () => undefined;
const START_AT_END = { index: 'LAST', align: 'end' } as const;
const components = { Scroller, Header: LoadingHeader };
const itemKey = (_: number, item: ListItem) => item.key;
const renderItem = (_: number, item: ListItem, context: RowContext) => <MessageRow item={item} context={context} />;

/**
 * Presentational, virtualized message log. Follows the bottom while the user
 * is there (and always after the user's own send); keeps the visible message
 * in place when older pages load above (`firstItemIndex`) and when rows change
 * height; a "new messages" button appears when scrolled up; day separators and
 * author grouping; Retry/Discard on failed sends. New messages are announced
 * by one throttled polite live region, so the log itself is `aria-live="off"`.
 */
export function MessageListView(props: MessageListViewProps) {
  const { messages, label = 'Messages', hasMore, onLoadOlder, groupWindowMs, onAtBottomChange, className } = props;
  const { currentUserId, loadingOlder, onRetry, onDiscard, onToggleReaction } = props;
  const format = useChatFormat();
  const items = useMemo(
    () => buildListItems(messages, { dayKey: format.dayKey, groupWindowMs }),
    [messages, format, groupWindowMs],
  );
  const firstItemIndex = useFirstItemIndex(items);
  const loadOlder = hasMore && onLoadOlder ? onLoadOlder : undefined;
  // One context object per change of these, so Virtuoso's rows are not handed a new one every render.
  const context = useMemo<RowContext>(
    () => ({ currentUserId, loadingOlder, onRetry, onDiscard, onToggleReaction, loadOlder }),
    [currentUserId, loadingOlder, onRetry, onDiscard, onToggleReaction, loadOlder],
  );
  const virtuoso = useRef<VirtuosoHandle>(null);
  // With fixed sizes from the mock context (tests, static stories) Virtuoso renders
  // nothing when asked to start at the end (react-virtuoso#1001); start at the top there.
  const mocked = useContext(VirtuosoMockContext) !== undefined;
  const { atBottom, unseen, onAtBottom, followOutput, startReached } = useFollow({
    messages,
    currentUserId,
    loadingOlder,
    loadOlder,
    onAtBottomChange,
  });

  return (
    <div className={['sk-messages', className].filter(Boolean).join(' ')} data-state={atBottom ? 'following' : 'scrolled'}>
      <Virtuoso<ListItem, RowContext>
        ref={virtuoso}
        role="log"
        aria-live="off"
        aria-label={label}
        className="sk-messages__list"
        data={items}
        context={context}
        components={components}
        computeItemKey={itemKey}
        itemContent={renderItem}
        firstItemIndex={firstItemIndex}
        initialTopMostItemIndex={mocked ? undefined : START_AT_END}
        followOutput={followOutput}
        atBottomStateChange={onAtBottom}
        atBottomThreshold={48}
        startReached={startReached}
      />
      {!atBottom ? (
        <button
          type="button"
          className="sk-button sk-messages__jump"
          data-state={unseen > 0 ? 'unseen' : 'none'}
          onClick={() => virtuoso.current?.scrollToIndex({ index: 'LAST', align: 'end', behavior: 'auto' })}
        >
          {unseen > 0 ? `${format.count(unseen)} new ${unseen === 1 ? 'message' : 'messages'}` : 'Jump to latest'}
          <span aria-hidden="true"> ↓</span>
        </button>
      ) : null}
      <LiveAnnouncer messages={messages} currentUserId={currentUserId} />
    </div>
  );
}

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
export function MessageList({ roomId, label, className }: MessageListProps) {
  const chat = useChat();
  const room = useRoom(roomId);
  const messages = useMessages(roomId);
  const actions = useMessageActions(roomId);
  const [atBottom, setAtBottom] = useState(true);
  const lastId = messages[messages.length - 1]?.id;
  useMarkRead(room.markRead, atBottom, lastId);
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
