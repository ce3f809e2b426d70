'use client';
import { HistoryError } from './ListStates';
import type { ListItem } from './list-items';
import { useChatFormat } from './locale';
import { Message } from './Message';
import type { MessageActionHandlers } from './message-actions';

/** What every row of the list shares, as one object so memoized rows keep it across renders. */
export interface RowContext {
  currentUserId?: string;
  /** Not connected now: pending sends say they wait for the connection. */
  offline?: boolean;
  loadingOlder?: boolean;
  /** Set when older history exists: the header offers a "Load earlier messages" button. */
  loadOlder?: () => void;
  onRetry?: (id: string) => void;
  onDiscard?: (id: string) => void;
  onToggleReaction?: (id: string, emoji: string, mine: boolean) => void;
  /** React, edit, delete, copy (see `MessageActionHandlers`). */
  actions?: MessageActionHandlers;
  /** Loading older history failed: the header says so and offers Retry. */
  historyError?: string | null;
  onRetryHistory?: () => void;
}

/** One row: a day separator or a message. */
export function MessageRow({ item, context, editing }: { item: ListItem; context: RowContext; editing?: boolean }) {
  const format = useChatFormat();
  if (item.kind === 'day') {
    return (
      <div className="sk-day" data-day={item.key.slice(4)}>
        <span className="sk-day__label">{format.day(item.ts)}</span>
      </div>
    );
  }
  return (
    <Message
      message={item.message}
      grouped={item.grouped}
      offline={context.offline}
      mine={item.message.authorId === context.currentUserId}
      currentUserId={context.currentUserId}
      onRetry={context.onRetry}
      onDiscard={context.onDiscard}
      onToggleReaction={context.onToggleReaction}
      actions={context.actions}
      editing={editing}
    />
  );
}

/**
 * Above the first row: "Loading earlier messages…" while a page loads, else a
 * button to load one (scrolling to the top does the same; the button is for
 * keyboard and screen-reader users, who should not have to scroll to find it).
 */
export function LoadingHeader({ context }: { context?: RowContext }) {
  if (context?.historyError && !context.loadingOlder) return <HistoryError onRetry={context.onRetryHistory} />;
  if (context?.loadingOlder) {
    return (
      <div className="sk-messages__loading" role="status">
        Loading earlier messages…
      </div>
    );
  }
  return context?.loadOlder ? (
    <div className="sk-messages__loading">
      <button type="button" className="sk-button sk-button--quiet" onClick={context.loadOlder}>
        Load earlier messages
      </button>
    </div>
  ) : null;
}
