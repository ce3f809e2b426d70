'use client';
import { useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from './react-api';
import { subscriptionKey } from '../core/subscriptions';
import type { IncomingMessage, MessageHandler, StompSession } from '../core/types';
import { useStompSession } from './use-connection';

/** Options of {@link useSubscription}. */
export interface SubscriptionOptions {
  /** SUBSCRIBE headers (`ack`, `x-stream-offset`, ...). Compared by value: an inline object is fine. */
  headers?: Record<string, string>;
  /** Subscribe only while true. Default true. */
  enabled?: boolean;
}

/** Options of the state form of {@link useSubscription}. */
export interface SelectSubscriptionOptions<T> extends SubscriptionOptions {
  /** Picks what the component renders from each message; it re-renders only when this changes (`Object.is`). */
  select: (message: IncomingMessage) => T;
}

// Layout effects warn during server rendering in React 18; nothing runs there anyway.
const useLatestEffect = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/** The latest selected value of one hook instance, for `useSyncExternalStore`. */
function createLatestStore<T>() {
  let value: T | undefined;
  const listeners = new Set<() => void>();
  return {
    get: () => value,
    set(next: T | undefined) {
      if (Object.is(next, value)) return;
      value = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

interface Held {
  session: StompSession;
  key: string;
  unsubscribe: () => void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * Subscribe to a destination while the component is mounted.
 *
 * `onMessage` is read through a ref: an inline arrow never resubscribes. A new
 * `destination` or new header values do. A `null` destination or
 * `enabled: false` unsubscribes. Without `select` the hook never re-renders
 * the component; with `select` it returns the latest selected value and
 * re-renders only when that value changes. Subscriptions with equal
 * destination and headers share one STOMP SUBSCRIBE, restored after every
 * reconnect.
 *
 * @example
 * useSubscription('/topic/news', (m) => toast(m.body));
 * const price = useSubscription('/topic/price.ACME', { select: (m) => (m.json as Quote).price });
 */
export function useSubscription(
  destination: string | null | undefined,
  onMessage: MessageHandler,
  options?: SubscriptionOptions,
): void;
export function useSubscription<T>(
  destination: string | null | undefined,
  onMessage: MessageHandler | null | undefined,
  options: SelectSubscriptionOptions<T>,
): T | undefined;
export function useSubscription<T>(
  destination: string | null | undefined,
  options: SelectSubscriptionOptions<T>,
): T | undefined;
export function useSubscription<T>(
  destination: string | null | undefined,
  handlerOrOptions?: MessageHandler | SelectSubscriptionOptions<T> | null,
  maybeOptions?: SubscriptionOptions | SelectSubscriptionOptions<T>,
): T | undefined {
  const session = useStompSession();
  const onMessage = typeof handlerOrOptions === 'function' ? handlerOrOptions : undefined;
  const options: Partial<SelectSubscriptionOptions<T>> = (typeof handlerOrOptions === 'object' && handlerOrOptions) || maybeOptions || {};
  const { headers, enabled = true, select } = options;

  const latest = useRef({ onMessage, select });
  useLatestEffect(() => {
    latest.current = { onMessage, select };
  });
  const [store] = useState(() => createLatestStore<T>());
  const held = useRef<Held | null>(null);

  const active = enabled && typeof destination === 'string' && destination.length > 0;
  // The session's own key: equal destination and header values (an inline object is fine) are one subscription.
  const key = active ? subscriptionKey(destination, headers ?? {}) : '';

  useEffect(() => {
    if (!active) return;
    let current = held.current;
    // A pending deferred unsubscribe of what this hook held is off either way.
    clearTimeout(current?.timer);
    // Unless StrictMode (or a quick remount) gave back the same subscription, take a new one.
    if (current?.session !== session || current.key !== key) {
      if (current) {
        current.unsubscribe();
        store.set(undefined);
      }
      const deliver = (message: IncomingMessage): void => {
        const { onMessage: handler, select: pick } = latest.current;
        if (pick) store.set(pick(message));
        handler?.(message);
      };
      // `headers` is this render's, equal by value to what `key` says.
      current = { session, key, unsubscribe: session.subscribe(destination, deliver, headers) };
    }
    held.current = current;
    const mine = current;
    return () => {
      // Deferred a tick so a StrictMode unmount/remount sends no UNSUBSCRIBE + SUBSCRIBE.
      mine.timer = setTimeout(() => {
        mine.unsubscribe();
        if (held.current === mine) held.current = null;
      }, 0);
    };
    // `key` stands for destination and headers by value: an equal inline object must not resubscribe.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [session, key, active, store]);

  const value = useSyncExternalStore(store.subscribe, store.get, store.get);
  return select ? value : undefined;
}
