'use client';
import type { ReactNode } from 'react';

export interface ListStateSlots {
  /** Shown in a room without messages; default "No messages yet — say hello". */
  emptyState?: ReactNode;
  /** Shown while the first messages load; default skeleton rows. */
  loadingState?: ReactNode;
  /** Shown when loading history failed and nothing is shown; default the error with Retry. */
  errorState?: ReactNode;
}

/** A few grey rows the shape of messages, while the first page loads. */
export function MessageSkeleton() {
  return (
    <div className="sk-skeleton" role="status">
      <span className="sk-visually-hidden">Loading messages…</span>
      {['62%', '38%', '74%', '50%'].map((width) => (
        <div key={width} className="sk-skeleton__row" aria-hidden="true">
          <span className="sk-skeleton__avatar" />
          <span className="sk-skeleton__lines">
            <span className="sk-skeleton__line" style={{ inlineSize: '7rem' }} />
            <span className="sk-skeleton__line" style={{ inlineSize: width }} />
          </span>
        </div>
      ))}
    </div>
  );
}

/** "Couldn't load earlier messages · Retry", above the first row or in place of an empty log. */
export function HistoryError({ onRetry }: { onRetry?: () => void }) {
  return (
    <div className="sk-messages__state sk-messages__state--error" role="alert">
      <span>Couldn't load earlier messages</span>
      {onRetry ? (
        <button type="button" className="sk-button sk-button--quiet" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

export interface ListStateProps extends ListStateSlots {
  loading?: boolean;
  historyError?: string | null;
  onRetryHistory?: () => void;
}

/** What an empty log shows: the first-load skeleton, the history error, or the empty room. Each is replaceable. */
export function ListState({ loading, historyError, onRetryHistory, emptyState, loadingState, errorState }: ListStateProps) {
  if (historyError) return <>{errorState ?? <HistoryError onRetry={onRetryHistory} />}</>;
  if (loading) return <>{loadingState ?? <MessageSkeleton />}</>;
  return (
    <>
      {emptyState ?? (
        <div className="sk-messages__state sk-messages__state--empty">
          <p className="sk-messages__empty-title">No messages yet</p>
          <p className="sk-messages__empty-hint">Say hello to get the conversation going.</p>
        </div>
      )}
    </>
  );
}
