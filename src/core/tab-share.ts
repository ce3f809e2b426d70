/**
 * Tabs sharing one connection (`shareAcrossTabs`): whether this environment
 * can, and the session handed out at once while the code that shares loads.
 * That code is a lazy chunk (`./tabs/`): an app that never shares (Node, old
 * browsers, `shareAcrossTabs: false`) never downloads it.
 */
import { refuseTransaction } from './transaction-error.js';
import { checkSubscription } from './subscriptions.js';
import type { MessageHandler, SessionState, StompSession, StompSessionOptions } from './types.js';

/** Web Locks elect the leader, a BroadcastChannel carries the rest; a `socketFactory`'s sockets belong to the page. */
export const canShare = (options: StompSessionOptions): boolean =>
  options.shareAcrossTabs !== false &&
  !options.socketFactory &&
  typeof BroadcastChannel == 'function' &&
  !!(globalThis as { navigator?: { locks?: unknown } }).navigator?.locks;

type Method = (...args: unknown[]) => unknown;

/**
 * A session whose calls go to the one `load` resolves to; until then it is
 * idle and not connected: state and outbox listeners, subscriptions and
 * calls are handed over in order once it is there. Subscriptions are
 * checked at once, as the session would.
 */
export function deferSession(load: Promise<StompSession>, idle: SessionState): StompSession {
  let inner: StompSession | undefined;
  const ready = load.then((session) => (inner = session));
  const on = (session: StompSession, name: keyof StompSession, args: unknown[]): unknown => (session[name] as Method)(...args);
  // Read on each access: once loaded, a method is the loaded session's own.
  return new Proxy({} as StompSession, {
    get: (_, name: keyof StompSession) =>
      inner
        ? inner[name]
        : (...args: unknown[]): unknown => {
            if (name == 'getSnapshot') return idle;
            if (name == 'getOutbox') return [];
            // Not connected yet: refused as every session refuses a transaction then.
            if (name == 'begin') return refuseTransaction();
            if (name != 'subscribe' && name != 'onOutboxChange') return ready.then((session) => on(session, name, args));
            // A listener or subscription: taken as soon as the session is there, unless released before.
            if (typeof args[0] == 'string') checkSubscription(args[0], args[1] as MessageHandler, (args[2] as Record<string, string>) ?? {});
            let off: (() => void) | undefined;
            let gone = false;
            void ready.then((session) => (off = gone ? off : (on(session, name, args) as () => void)));
            return () => {
              gone = true;
              off?.();
            };
          },
  });
}
