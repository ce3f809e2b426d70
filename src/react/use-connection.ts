'use client';
import { useCallback, useContext, useMemo, useSyncExternalStore } from './react-api';
import type { SessionState, StompSession } from '../core/types';
import { StompContext } from './provider';

/**
 * The session of the nearest `<StompProvider>`, for anything the other hooks
 * do not cover (outbox, `retryNow`, `ack`...).
 *
 * @throws when there is no `<StompProvider>` above.
 * @example
 * const session = useStompSession();
 * const outbox = session.getOutbox();
 */
export function useStompSession(): StompSession {
  const session = useContext(StompContext);
  if (!session) {
    throw new Error('stompkit: no <StompProvider> above this component. Wrap your app in <StompProvider url="...">.');
  }
  return session;
}

/**
 * The connection state (`status`, `transport`, `attempt`, `nextRetryAt`,
 * `error`, `serverInfo`, `pending`, and `tab` where tabs share one
 * connection: `'leader'` in the tab holding it, `'follower'` in the others),
 * re-rendering when it changes. Pass
 * `select` to re-render only when the selected part changes (compared with
 * `Object.is`, so return a primitive or a stable value).
 *
 * @example
 * const status = useConnectionState((s) => s.status);
 * if (status === 'reconnecting') return <p>Reconnecting…</p>;
 */
export function useConnectionState(): SessionState;
export function useConnectionState<T>(select: (state: SessionState) => T): T;
export function useConnectionState<T>(select?: (state: SessionState) => T): SessionState | T {
  const session = useStompSession();
  const subscribe = useCallback((listener: () => void) => session.subscribe(listener), [session]);
  // Cache per session: the selection is recomputed only for a new snapshot or a new selector.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const cache = useMemo((): { state?: SessionState; select?: unknown; value?: unknown } => ({}), [session]);
  const read = (): SessionState | T => {
    const state = session.getSnapshot();
    if (!select) return state;
    if (state !== cache.state || select !== cache.select) {
      cache.state = state;
      cache.select = select;
      cache.value = select(state);
    }
    return cache.value as T;
  };
  return useSyncExternalStore(subscribe, read, read);
}
