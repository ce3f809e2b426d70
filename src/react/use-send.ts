'use client';
import { useCallback } from './react-api';
import type { Receipt, SendBody } from '../core/types';
import { useStompSession } from './use-connection';

/** Send a message; resolves when the broker's RECEIPT arrives. */
export type SendFunction = (destination: string, body: SendBody, headers?: Record<string, string>) => Promise<Receipt>;

/**
 * A `send` function with a stable identity (safe in effect and memo deps).
 * Strings and bytes go as they are, anything else as JSON. While offline the
 * message waits in the session's outbox and goes out, in order, after the
 * reconnect; the promise resolves on its RECEIPT and rejects if it fails.
 *
 * @example
 * const send = useSend();
 * <button onClick={() => void send('/topic/likes', { postId })}>Like</button>
 */
export function useSend(): SendFunction {
  const session = useStompSession();
  return useCallback<SendFunction>((destination, body, headers) => session.send(destination, body, headers), [session]);
}
