'use client';
import type { SessionState } from '../../core/types';
import { useConnectionState, useStompSession } from '../../react/index';
import { countQueuedMessages } from '../validate';
import { describeConnection } from './connection-text';
import { useChatFormat } from './locale';
import { useCountdown } from './use-countdown';
import { useOnline } from './use-online';

export interface ConnectionBannerViewProps {
  /** The session snapshot to describe. */
  state: SessionState;
  /** `navigator.onLine`; default true. */
  online?: boolean;
  /** "Retry now"; the button is shown only when given and a retry makes sense. */
  onRetryNow?: () => void;
  /**
   * Chat messages waiting to send. Default `state.pending`, which counts every
   * queued frame (read markers and reactions too); `ConnectionBanner` passes
   * the queued `message.created` count.
   */
  queued?: number;
  className?: string;
}

/**
 * Presentational connection banner: connecting, reconnecting with a live
 * countdown to `nextRetryAt`, offline, auth error, disconnected, and the
 * fallback transport in use, with the number of queued messages and a
 * "Retry now" button. A `role="status"` region that stays mounted (empty
 * while all is well) so screen readers hear changes. State in `data-state`.
 */
export function ConnectionBannerView({ state, online = true, onRetryNow, queued = state.pending, className }: ConnectionBannerViewProps) {
  const format = useChatFormat();
  const secondsLeft = useCountdown(state.status === 'reconnecting' ? state.nextRetryAt : null);
  const text = describeConnection({ state, online, secondsLeft, queued, count: format.count });
  const hidden = text.state === 'hidden';
  return (
    <div
      role="status"
      className={['sk-banner', className].filter(Boolean).join(' ')}
      data-state={text.state}
      data-transport={state.transport ?? undefined}
    >
      {hidden ? null : (
        <>
          <span className="sk-banner__title">{text.title}</span>
          {text.transport ? <span className="sk-banner__transport">{text.transport}</span> : null}
          {text.queued ? <span className="sk-banner__queued">{text.queued}</span> : null}
          {text.canRetry && onRetryNow ? (
            <button type="button" className="sk-button sk-banner__retry" onClick={onRetryNow}>
              Retry now
            </button>
          ) : null}
        </>
      )}
    </div>
  );
}

export interface ConnectionBannerProps {
  className?: string;
}

// While connected over WebSocket the banner is empty whatever else changes
// (e.g. the outbox count on every send): one constant snapshot, no re-render.
const QUIET: SessionState = Object.freeze({
  status: 'connected',
  transport: 'websocket',
  attempt: 0,
  nextRetryAt: null,
  error: null,
  serverInfo: null,
  pending: 0,
});
const quietOr = (s: SessionState): SessionState =>
  s.status === 'connected' && s.transport === 'websocket' && !s.error ? QUIET : s;

/** The connection banner wired to the session of the nearest `<StompProvider>`. */
export function ConnectionBanner({ className }: ConnectionBannerProps) {
  const state = useConnectionState(quietOr);
  const session = useStompSession();
  const online = useOnline();
  // After an explicit close there is no timer to cut short: connect afresh.
  const retry = () => (state.status === 'closed' ? session.connect() : session.retryNow());
  // Read at render: `state.pending` changes with the outbox, so this is fresh.
  const queued = state === QUIET ? 0 : countQueuedMessages(session.getOutbox());
  return <ConnectionBannerView state={state} online={online} onRetryNow={retry} queued={queued} className={className} />;
}
