'use client';
import { useMemo, useState } from 'react';
import type { SessionState } from '../../core/types';
import { useConnectionState } from '../../react/index';
import { useChat, useMessageActions, useMessages, useRoom } from '../hooks';
import type { ListStateSlots } from './ListStates';
import { copyText, type MessageActionHandlers } from './message-actions';
import { MessageListView } from './MessageListView';
import { useMarkRead, useReading } from './use-mark-read';

export { MessageListView, type MessageListViewProps } from './MessageListView';

const ignore = () => undefined;

export interface MessageListProps extends ListStateSlots {
  roomId: string;
  label?: string;
  /** See `MessageListViewProps.layout`. Default `compact`. */
  layout?: 'compact' | 'bubbles';
  /** Reactions offered on each message; default `QUICK_REACTIONS`. */
  quickReactions?: readonly string[];
  /** The app's own emoji picker, offered after the quick reactions. */
  renderReactionPicker?: MessageActionHandlers['renderReactionPicker'];
  /** Open a message's thread ("Reply in thread", the reply count); without it threads are not offered. */
  onOpenThread?: (messageId: string) => void;
  className?: string;
}

/**
 * The message log of `roomId`, wired to the chat client: opens the room while
 * mounted, pages older history, retries and discards failed sends, reacts,
 * edits, deletes and copies through the message actions, and marks the room
 * read while the user sees its bottom.
 */
export function MessageList(props: MessageListProps) {
  // One log per room: its scroll position, anchor and "left the bottom at" belong to that room.
  return <RoomMessageList key={props.roomId} {...props} />;
}

function RoomMessageList(props: MessageListProps) {
  const { roomId, label, quickReactions, renderReactionPicker, onOpenThread } = props;
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
  const handlers = useMemo<MessageActionHandlers>(
    () => ({
      onReact: on.toggle,
      onEditStart: ignore,
      onEditSave: (id, text) => void actions.edit(id, text).catch(ignore),
      onDelete: (id) => void actions.remove(id).catch(ignore),
      onCopy: copyText,
      onOpenThread,
      quickReactions,
      renderReactionPicker,
    }),
    [on, actions, quickReactions, renderReactionPicker, onOpenThread],
  );
  return (
    <MessageListView
      {...props}
      messages={messages}
      label={label ?? `Messages in #${room.room?.name ?? roomId}`}
      loading={messages.length === 0 && (room.history.loading || offline)}
      historyError={room.history.error}
      onRetryHistory={on.loadOlder}
      actions={handlers}
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
