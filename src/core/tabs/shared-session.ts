/**
 * One connection per browser (`shareAcrossTabs`): the tabs of an origin whose
 * sessions have the same `url` and `storageKey` elect a leader with a Web
 * Lock held for the leader's life; the others queue on the same lock, so
 * when the leader tab closes or crashes the browser grants it to the next
 * one at once. The leader runs the real session and serves the others over
 * a BroadcastChannel (leader.ts); in the other tabs this session is a proxy
 * (follower.ts) with the same API, so hooks and the chat kit do not change.
 *
 * Every tab keeps what it asked for — subscriptions, unanswered requests,
 * whether it wants to be connected — and hands it to each new leader. A
 * send gets its id in the tab that makes it, so a send asked again of a new
 * leader is the same outbox entry, never a second one.
 */
import type { MessageHandler, OutboxEntry, SessionState, StompSession, StompSessionOptions, SubscriptionError } from '../types.js';
import { createFollower, type Follower } from './follower.js';
import { perform, serveFollowers, type Server } from './leader.js';
import { seedOutbox } from './seed.js';
import { browserTabs, type KitParts, type SessionKit, type TabChannel, type TabEnvironment, type Wire } from './wire.js';

/** A subscription this tab holds, whoever runs it. */
export interface TabSubscription {
  destination: string;
  headers: Record<string, string>;
  handler: MessageHandler;
  /** Set while this tab is the leader: the real session's unsubscribe. */
  off?: () => void;
}

export function createSharedSession(options: StompSessionOptions, kit: SessionKit, env: TabEnvironment = browserTabs()): StompSession {
  const prefix = options.storageKey ?? 'stompkit';
  const urlKey = typeof options.url === 'string' ? options.url : JSON.stringify(options.url);
  const lockName = `stompkit:${prefix}:${urlKey}`;
  const tabId = env.tabId ?? crypto.randomUUID();
  const debug = (message: string): void => options.debug?.(`stompkit: ${message}`);
  const listeners = new Set<() => void>();
  const outboxListeners = new Set<() => void>();
  const subs = new Map<number, TabSubscription>();
  const stopping = new AbortController();
  let sids = 0;
  let closed = false;
  let channel: TabChannel | null = null;
  let real: StompSession | null = null;
  let server: Server | null = null;
  let releaseLeader: (() => void) | null = null;
  let releaseTab: (() => void) | null = null;
  let base: SessionState | null = null;
  let snapshot: SessionState;
  let closedState: SessionState | null = null;

  const notify = (set: Set<() => void>): void => {
    for (const listener of [...set]) {
      try {
        listener();
      } catch (error) {
        debug(`listener threw: ${String(error)}`);
      }
    }
  };
  const changed = (): void => notify(listeners);
  const outboxChanged = (): void => notify(outboxListeners);
  const post = (wire: Wire): void => channel?.postMessage(wire);

  /** A subscription the broker refused: dropped here too, and told to this tab's `onSubscriptionError` if it held it. */
  const refused = (error: SubscriptionError): void => {
    const key = kit.subscriptionKey(error.destination, error.headers);
    let mine = false;
    for (const [sid, sub] of subs) {
      if (kit.subscriptionKey(sub.destination, sub.headers) !== key) continue;
      subs.delete(sid);
      mine = true;
    }
    if (mine) (options.onSubscriptionError ?? ((e) => debug(`SUBSCRIBE ${e.destination} refused: ${e.message}`)))(error);
  };

  const follower: Follower = createFollower({ tabId, kit, options, subs, post, changed, outboxChanged, refused, debug }, options.autoConnect !== false);

  const becomeLeader = (): void => {
    if (closed) return;
    const mirror: readonly OutboxEntry[] = follower.leaving();
    const storage = seedOutbox(options.storage, `${prefix}:outbox:${urlKey}`, mirror, debug);
    const session = kit.create({
      ...options,
      shareAcrossTabs: false,
      autoConnect: false,
      storage,
      onSubscriptionError: (error) => {
        post({ t: 'suberr', from: tabId, error });
        refused(error);
      },
    });
    real = session;
    server = serveFollowers(session, tabId, lockName, env.locks, post);
    session.subscribe(() => {
      changed();
      if (real === session) post({ t: 'state', from: tabId, state: session.getSnapshot() });
    });
    session.onOutboxChange(() => {
      outboxChanged();
      if (real === session) post({ t: 'outbox', from: tabId, outbox: session.getOutbox() });
    });
    // Not connected on the new session: readers resume (e.g. a chat room after its last offset) before they are re-subscribed.
    changed();
    outboxChanged();
    for (const sub of subs.values()) sub.off ??= session.subscribe(sub.destination, sub.handler, sub.headers);
    // What this tab asked of the old leader and did not hear back about, in order, by the same ids.
    for (const request of follower.unanswered()) {
      Promise.resolve()
        .then(() => perform(session, request.op, request.args))
        .then(request.resolve, request.reject);
    }
    post({ t: 'leader', from: tabId });
    post({ t: 'state', from: tabId, state: session.getSnapshot() });
    post({ t: 'outbox', from: tabId, outbox: session.getOutbox() });
    if (follower.wanted) session.connect();
  };

  const onMessage = (event: { data: unknown }): void => {
    const wire = event.data as Wire;
    if (closed || wire.from === tabId) return;
    if (real) server?.receive(wire);
    else follower.receive(wire);
  };

  const join = (): void => {
    channel = env.channel(lockName);
    channel.onmessage = onMessage;
    post({ t: 'hello', from: tabId });
    env.locks
      .request(lockName, { signal: stopping.signal }, () => new Promise<void>((resolve) => ((releaseLeader = resolve), becomeLeader())))
      .catch(() => undefined);
  };
  // The tab lock is held for the tab's life: the leader learns from it that this tab is gone.
  env.locks
    .request(`${lockName}:tab:${tabId}`, { signal: stopping.signal }, () => new Promise<void>((resolve) => ((releaseTab = resolve), join())))
    .catch(() => undefined);

  const getSnapshot = (): SessionState => {
    if (closedState) return closedState;
    const current = real ? real.getSnapshot() : follower.state();
    if (current !== base) {
      base = current;
      const tab = real ? 'leader' : follower.leader ? 'follower' : undefined;
      snapshot = Object.freeze(tab ? { ...current, tab } : current);
    }
    return snapshot;
  };

  function subscribe(listener: () => void): () => void;
  function subscribe(destination: string, handler: MessageHandler, headers?: Record<string, string>): () => void;
  function subscribe(target: string | (() => void), handler?: MessageHandler, headers: Record<string, string> = {}): () => void {
    if (typeof target === 'function') {
      listeners.add(target);
      return () => listeners.delete(target);
    }
    const clean = kit.checkSubscription(target, handler as MessageHandler, headers);
    const sid = ++sids;
    const sub: TabSubscription = { destination: target, headers: clean, handler: handler as MessageHandler };
    subs.set(sid, sub);
    if (real) sub.off = real.subscribe(target, sub.handler, clean);
    else follower.subscribed(sid, sub);
    return () => {
      if (!subs.delete(sid)) return;
      if (sub.off) sub.off();
      else follower.unsubscribed(sid);
    };
  }

  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    stopping.abort();
    const session = real;
    real = null;
    server?.stop();
    server = null;
    follower.close();
    if (session) {
      // The outbox is persisted before the next leader reads it.
      await session.close();
      closedState = Object.freeze({ ...session.getSnapshot() });
    } else closedState = Object.freeze({ ...follower.state(), status: 'closed', nextRetryAt: null });
    releaseLeader?.();
    releaseTab?.();
    channel?.close();
    channel = null;
    changed();
  };

  return {
    getSnapshot,
    subscribe,
    connect() {
      if (closed) return;
      // Remembered for a next leader, whichever tab that is.
      void follower.request('connect', [], false);
      real?.connect();
    },
    retryNow() {
      if (real) real.retryNow();
      else follower.request('retryNow', [], false);
    },
    reconnect(reason) {
      if (real) real.reconnect(reason);
      else follower.request('reconnect', [reason], false);
    },
    close,
    send(destination, body, headers = {}) {
      if (real) return real.send(destination, body, headers);
      return follower.send(destination, body, headers);
    },
    getOutbox: () => (real ? real.getOutbox() : follower.outbox()),
    onOutboxChange(listener) {
      outboxListeners.add(listener);
      return () => outboxListeners.delete(listener);
    },
    retry: (id) => (real ? real.retry(id) : (follower.request('retry', [id]) as Promise<never>)),
    drop(id) {
      if (real) real.drop(id);
      else void follower.request('drop', [id]);
    },
    begin: () => (real ? real.begin() : follower.begin()),
  };
}

/** What the static session code calls (`createStompSession` when tabs can share). */
export default function shareSession(options: StompSessionOptions, parts: KitParts): StompSession {
  const [create, refuseTransaction, checkSubscription, subscriptionKey, encodeBody, TransactionError] = parts;
  return createSharedSession(options, { create, refuseTransaction, checkSubscription, subscriptionKey, encodeBody, TransactionError });
}
