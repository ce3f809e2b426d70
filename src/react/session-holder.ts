'use client';
/**
 * The owned session of a `<StompProvider url=…>` lives here, outside React:
 * created lazily without side effects (so a render that React throws away, a
 * StrictMode double render or a server render costs nothing), connected while
 * at least one provider instance is mounted, closed a moment after the last
 * one unmounts — so a StrictMode unmount/remount in the same tick is a
 * non-event and never opens a second connection.
 */
import { createStompSession } from '../core/session';
import type { StompSession, StompSessionOptions } from '../core/types';

export interface SessionHolder {
  /** The current session (created on first call). Stable until it is closed and replaced. */
  get(): StompSession;
  /** Listen for the session being replaced (after a full unmount and remount). */
  subscribe(listener: () => void): () => void;
  /** A mounted owner: connects on the first. Returns the release function. */
  acquire(): () => void;
}

/** Build a holder for sessions made from `options` (with `autoConnect` forced off). */
export function createSessionHolder(options: StompSessionOptions): SessionHolder {
  let session: StompSession | null = null;
  let owners = 0;
  let closeTimer: ReturnType<typeof setTimeout> | undefined;
  let closedByUs = false;
  const listeners = new Set<() => void>();

  // autoConnect off: creating must not touch the network; mounting connects.
  const get = (): StompSession => (session ??= createStompSession({ ...options, autoConnect: false }));

  return {
    get,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    acquire() {
      clearTimeout(closeTimer);
      if (++owners === 1) {
        // Remounted after we closed it (e.g. a hidden <Activity> shown again):
        // a fresh session, never one whose shutdown may still be finishing.
        if (closedByUs) session = null;
        // Idempotent while connecting or connected; retries after an auth failure on a real remount.
        get().connect();
        if (closedByUs) {
          closedByUs = false;
          for (const listener of [...listeners]) listener();
        }
      }
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--owners > 0) return;
        // Deferred: StrictMode unmounts and remounts in the same tick.
        closeTimer = setTimeout(() => {
          if (owners > 0 || !session) return;
          closedByUs = true;
          void session.close().catch(() => undefined);
        }, 0);
      };
    },
  };
}
