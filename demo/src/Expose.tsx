import { useEffect } from 'react';
import { useStompSession } from 'stompkit';
import type { StompSession } from 'stompkit/core';

declare global {
  interface Window {
    /** The demo's session, for the browser tests and for poking at in DevTools. */
    __stompkit?: { session: StompSession; user: string };
  }
}

/** Puts the session on `window.__stompkit` so tests can read its state and outbox. */
export function ExposeSession({ user }: { user: string }) {
  const session = useStompSession();
  useEffect(() => {
    window.__stompkit = { session, user };
    return () => {
      if (window.__stompkit?.session === session) delete window.__stompkit;
    };
  }, [session, user]);
  return null;
}
