'use client';
import { memo, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { DAY_KEY_PREFIX, buildListItems, type ListItem } from './list-items';
import { ListState, type ListStateSlots } from './ListStates';
import { LiveAnnouncer } from './LiveAnnouncer';
import { useChatFormat } from './locale';
import type { MessageData } from './Message';
import { LoadingHeader, MessageRow, type RowContext } from './MessageRow';
import { useEditing } from './use-editing';
import { useFollow } from './use-follow';
import { VirtualLog } from './virtual-log';

export interface MessageListViewProps extends RowContext, ListStateSlots {
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
  /** The first messages are on their way: an empty log shows the loading state, not the empty one. */
  loading?: boolean;
  /**
   * `compact` (default): every message on the same side, own ones marked by
   * a thin accent rule. `bubbles`: own messages at the end side in bubbles.
   */
  layout?: 'compact' | 'bubbles';
  className?: string;
}

/**
 * Presentational, virtualized message log. Follows the bottom while the user
 * is there (and always after the user's own send); keeps the visible message
 * in place when older pages load above and when rows change height; a "new
 * messages" button appears when scrolled up; day separators and author
 * grouping; Retry/Discard on failed sends; message actions (react, edit in
 * place, delete, copy); an empty, a first-load and a history-error state,
 * each replaceable. Rows stack from the bottom when they do not fill the
 * view. New messages are announced by one throttled polite live region, so
 * the log itself is `aria-live="off"`.
 *
 * Only the rows near the viewport are in the DOM (see `VirtualLog`); the
 * rest are stood in for by two spacers.
 */
export function MessageListView(props: MessageListViewProps) {
  const { messages, label = 'Messages', hasMore, onLoadOlder, groupWindowMs, onAtBottomChange, loading, layout = 'compact', className } = props;
  const { currentUserId, offline, loadingOlder, onRetry, onDiscard, onToggleReaction, historyError, onRetryHistory } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const { editingId, handlers: actions } = useEditing(props.actions, scroller);
  const format = useChatFormat();
  const items = useMemo(
    () => buildListItems(messages, { dayKey: format.dayKey, groupWindowMs }),
    [messages, format, groupWindowMs],
  );
  const keys = useMemo(() => items.map((item) => item.key), [items]);
  const loadOlder = hasMore && onLoadOlder ? onLoadOlder : undefined;
  // One context object per change of these, so memoized rows are not handed a new one every render.
  const context = useMemo<RowContext>(
    () => ({ currentUserId, offline, loadingOlder, onRetry, onDiscard, onToggleReaction, loadOlder, actions, historyError, onRetryHistory }),
    [currentUserId, offline, loadingOlder, onRetry, onDiscard, onToggleReaction, loadOlder, actions, historyError, onRetryHistory],
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
  useLayoutEffect(() => (scroller.current ? log.attachScroller(scroller.current) : undefined), [log]);
  // After every commit, not only when rows change: the header above them (loading, load button) moves them too.
  useLayoutEffect(() => log.committed(keys, range, stick));

  return (
    <div
      className={['sk-messages', className].filter(Boolean).join(' ')}
      data-state={atBottom ? 'following' : 'scrolled'}
      data-layout={layout}
    >
      {/* Focusable so keyboard users can scroll history with arrows and Page Up. */}
      <div ref={scroller} role="log" aria-live="off" aria-label={label} aria-busy={loading || undefined} tabIndex={0} className="sk-messages__scroller">
        {messages.length === 0 ? (
          <ListState {...props} loading={loading} />
        ) : (
          <>
            <LoadingHeader context={context} />
            <div style={{ blockSize: range.before }} aria-hidden="true" />
            {items.slice(range.start, range.end).map((item) => (
              <Row key={item.key} item={item} context={context} log={log} editing={item.key === editingId} />
            ))}
            <div style={{ blockSize: range.after }} aria-hidden="true" />
          </>
        )}
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
const Row = memo(function Row({ item, context, log, editing }: { item: ListItem; context: RowContext; log: VirtualLog; editing: boolean }) {
  const element = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => (element.current ? log.attachRow(item.key, element.current) : undefined), [log, item.key]);
  return (
    <div ref={element} className="sk-messages__row" data-key={item.key}>
      <MessageRow item={item} context={context} editing={editing} />
    </div>
  );
});

/** Day separators move up when older messages of their day load: only messages hold the reader's place. */
const isMessageKey = (key: string) => !key.startsWith(DAY_KEY_PREFIX);
