/**
 * What the connection banner says for a session state: one pure function so
 * every state can be tested and translated in one place.
 */
import type { SessionState, TransportName } from '../../core/types';

/** The banner's visible state, also its `data-state` attribute. */
export type BannerState = 'hidden' | 'connecting' | 'reconnecting' | 'offline' | 'auth-error' | 'closed' | 'fallback';

export interface BannerText {
  state: BannerState;
  /** Main line, empty when hidden. */
  title: string;
  /** Transport note, e.g. "via SockJS fallback (xhr-polling)". */
  transport: string | null;
  /** "2 messages waiting to send", or null. */
  queued: string | null;
  /** Whether "Retry now" makes sense (not for auth errors or while connected). */
  canRetry: boolean;
}

export interface BannerInput {
  state: SessionState;
  /** `navigator.onLine`. */
  online: boolean;
  /** Seconds until the next attempt (from `nextRetryAt`), or null. */
  secondsLeft: number | null;
  /** Chat messages waiting to send; default `state.pending` (every queued frame). */
  queued?: number;
  /** Number formatter for the counts. */
  count?: (n: number) => string;
}

/** Human description of a transport; null for plain WebSocket (nothing to say). */
export function describeTransport(transport: TransportName | null): string | null {
  if (!transport || transport === 'websocket') return null;
  return `via SockJS fallback (${transport})`;
}

/** The banner text for a snapshot of the session. */
export function describeConnection({ state, online, secondsLeft, queued: waiting = state.pending, count = String }: BannerInput): BannerText {
  const transport = describeTransport(state.transport);
  const queued = waiting > 0 ? `${count(waiting)} ${waiting === 1 ? 'message' : 'messages'} waiting to send` : null;
  const base = { transport, queued, canRetry: true };

  if (state.error?.kind === 'auth') {
    return { ...base, state: 'auth-error', title: `Sign-in failed: ${state.error.message}`, canRetry: false };
  }
  if (state.status === 'connected') {
    return transport
      ? { ...base, state: 'fallback', title: 'Connected', queued: null, canRetry: false }
      : { ...base, state: 'hidden', title: '', transport: null, queued: null, canRetry: false };
  }
  if (!online) {
    return { ...base, state: 'offline', title: 'Offline — messages will be sent when you reconnect' };
  }
  if (state.status === 'reconnecting') {
    const title =
      secondsLeft && secondsLeft > 0 ? `Connection lost. Reconnecting in ${count(secondsLeft)} s…` : 'Reconnecting…';
    return { ...base, state: 'reconnecting', title };
  }
  if (state.status === 'connecting') {
    const title = state.attempt > 1 ? `Connecting… (attempt ${count(state.attempt)})` : 'Connecting…';
    return { ...base, state: 'connecting', title, canRetry: false };
  }
  if (state.status === 'closed') {
    const reason = state.error ? `: ${state.error.message}` : '';
    return { ...base, state: 'closed', title: `Disconnected${reason}` };
  }
  // idle: not started yet; nothing worth a banner.
  return { ...base, state: 'hidden', title: '', transport: null, queued: null, canRetry: false };
}
