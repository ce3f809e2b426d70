/**
 * The chat store: a zustand vanilla store holding a fold of room events plus
 * local outbox state. Incoming events are queued and applied in ONE store
 * update per animation frame (a microtask where there are no frames, e.g.
 * tests and Node), so a burst of 1,000 messages costs a handful of renders.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { expireSignals, foldBatch, RoomDraft, updateRoom, type FoldContext, type Rejection } from './fold';
import { ChatError, type MessageExtras } from './protocol';
import { INITIAL_CHAT_STATE, type ChatState, type HistoryState, type Incoming, type ReadMarker, type ThreadReads } from './state';
import { mergeThreadReads } from './thread-reads';

export interface ChatStoreOptions {
  /** Our clock (presence and typing expiry). Default `Date.now`. */
  now?: () => number;
  /** How long a typing signal lasts without renewal, ms. Default 6 000. */
  typingTtl?: number;
  /** Messages kept for a room no view has open. Default 100. */
  maxClosedRoomMessages?: number;
  /**
   * How a batch is scheduled. Default: `requestAnimationFrame` where it
   * exists (with a timer as backstop, since hidden tabs get no frames), else
   * a microtask.
   */
  schedule?: (flush: () => void) => void;
  /** Events the fold refused (e.g. an edit of someone else's message). */
  onError?: (error: ChatError) => void;
}

/** A local send, as the outbox sees it. */
export interface LocalSend {
  id: string;
  text: string;
  createdAt: number;
  extras?: MessageExtras;
}

/**
 * The store (zustand `StoreApi<ChatState>`, usable with `useStore`) plus the
 * operations the client performs on it.
 */
export interface ChatStore extends StoreApi<ChatState> {
  /** Queue a validated event; applied with the next batch. */
  receive(incoming: Incoming): void;
  /** Queue many; one batch. */
  receiveAll(incoming: readonly Incoming[]): void;
  /** Apply everything queued now (one store update). */
  flush(): void;
  /** Number of store updates made by batches so far (for benchmarks and tests). */
  readonly batches: number;
  setMe(userId: string | null): void;
  /** Show a local send as `pending` at the end of the room. */
  addPending(roomId: string, send: LocalSend): void;
  /** The RECEIPT came: `sent` (unless the stream echo already replaced it). */
  markSent(roomId: string, id: string): void;
  markFailed(roomId: string, id: string, error: string): void;
  /** Back to `pending` for a retry. */
  markPending(roomId: string, id: string): void;
  /** Forget a local send. */
  discard(roomId: string, id: string): void;
  /** Forget every local send the broker confirmed (status `sent`) in the room. */
  dropSent(roomId: string): void;
  /** A view opened or closed the room; closing caps its messages. */
  setOpen(roomId: string, open: boolean): void;
  /** A view shows the room's newest message to the user (or stopped): its unread count is 0 meanwhile. */
  setReading(roomId: string, reading: boolean): void;
  setHistory(roomId: string, patch: Partial<Pick<HistoryState, 'loading' | 'floor' | 'error' | 'oldestOffset' | 'followedFrom'>>): void;
  /** Our own read position, applied at once (the stream echo confirms it). */
  markReadLocal(roomId: string, marker: ReadMarker): void;
  /** Thread read positions saved earlier (e.g. before a reload), merged in: a thread's read position only moves forward. */
  restoreThreadReads(roomId: string, saved: ThreadReads): void;
  /**
   * A view shows the thread of `parentId` to the user (or stopped): its
   * replies are read as they arrive. One thread per room at a time.
   */
  setViewingThread(roomId: string, parentId: string, viewing: boolean): void;
  /** Drop presence and typing that ran out; returns the next expiry (epoch ms) or null. */
  expire(): number | null;
}

function defaultSchedule(flush: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  if (typeof raf !== 'function') {
    queueMicrotask(flush);
    return;
  }
  let done = false;
  const once = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    flush();
  };
  const timer = setTimeout(once, 250);
  raf(once);
}

/** Create a chat store. */
export function createChatStore(options: ChatStoreOptions = {}): ChatStore {
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultSchedule;
  const ctx = (): FoldContext => ({
    now: now(),
    typingTtl: options.typingTtl ?? 6000,
    maxClosedRoomMessages: options.maxClosedRoomMessages ?? 100,
  });
  const api = createStore<ChatState>()(() => INITIAL_CHAT_STATE);
  let queue: Incoming[] = [];
  let scheduled = false;
  let batches = 0;

  const report = (rejected: Rejection[]): void => {
    for (const { incoming, reason } of rejected) {
      const event = incoming.envelope.event;
      options.onError?.(new ChatError('not-author', `dropped ${event.type} ${event.id}: ${reason}`, { roomId: event.roomId }));
    }
  };

  const flush = (): void => {
    scheduled = false;
    if (queue.length === 0) return;
    const batch = queue;
    queue = [];
    const { state, rejected } = foldBatch(api.getState(), batch, ctx());
    batches += 1;
    if (state !== api.getState()) api.setState(state, true);
    report(rejected);
  };

  const enqueue = (): void => {
    if (scheduled) return;
    scheduled = true;
    schedule(flush);
  };

  const room = (roomId: string, mutate: (draft: RoomDraft) => void): void => {
    api.setState(updateRoom(api.getState(), roomId, mutate, ctx()), true);
  };

  const pendingPatch = (roomId: string, id: string, patch: { status: 'pending' | 'sent' | 'failed'; error?: string }): void => {
    const current = api.getState().timelines[roomId]?.data.pending.get(id);
    if (!current) return; // already echoed by the stream, or discarded
    room(roomId, (d) => {
      const next = { ...current, status: patch.status };
      if (patch.error === undefined) delete next.error;
      else next.error = patch.error;
      d.pending.set(id, next);
    });
  };

  const store: ChatStore = {
    ...api,
    get batches() {
      return batches;
    },
    receive(incoming) {
      queue.push(incoming);
      enqueue();
    },
    receiveAll(incoming) {
      if (incoming.length === 0) return;
      for (const i of incoming) queue.push(i);
      enqueue();
    },
    flush,
    setMe(userId) {
      const state = api.getState();
      if (state.me === userId) return;
      // Every view's `mine` depends on it: rebuild all rooms.
      const next: ChatState = {
        ...state,
        me: userId,
        timelines: { ...state.timelines },
        unread: { ...state.unread },
        mentions: { ...state.mentions },
      };
      const timelines = next.timelines as Record<string, (typeof state.timelines)[string]>;
      const unread = next.unread as Record<string, number>;
      const mentions = next.mentions as Record<string, number>;
      for (const [roomId, timeline] of Object.entries(state.timelines)) {
        const draft = new RoomDraft(timeline);
        timelines[roomId] = draft.finish(userId, true);
        unread[roomId] = draft.unread(userId);
        mentions[roomId] = draft.mentions(userId);
      }
      api.setState(next, true);
    },
    addPending(roomId, send) {
      room(roomId, (d) => {
        if (d.records.has(send.id) || d.pending.has(send.id)) return;
        d.pending.set(send.id, { ...send, status: 'pending' });
      });
    },
    markSent: (roomId, id) => pendingPatch(roomId, id, { status: 'sent' }),
    markFailed: (roomId, id, error) => pendingPatch(roomId, id, { status: 'failed', error }),
    markPending: (roomId, id) => pendingPatch(roomId, id, { status: 'pending' }),
    discard(roomId, id) {
      if (!api.getState().timelines[roomId]?.data.pending.has(id)) return;
      room(roomId, (d) => void d.pending.delete(id));
    },
    dropSent(roomId) {
      const pending = api.getState().timelines[roomId]?.data.pending;
      if (!pending || ![...pending.values()].some((p) => p.status === 'sent')) return;
      room(roomId, (d) => {
        for (const [id, p] of d.pending) if (p.status === 'sent') d.pending.delete(id);
      });
    },
    setOpen(roomId, open) {
      if ((api.getState().timelines[roomId]?.open ?? false) === open) return;
      room(roomId, (d) => {
        d.open = open;
      });
    },
    setReading(roomId, reading) {
      if ((api.getState().timelines[roomId]?.reading ?? false) === reading) return;
      room(roomId, (d) => {
        d.reading = reading;
      });
    },
    setHistory(roomId, patch) {
      room(roomId, (d) => {
        d.history = { ...d.history, ...patch };
      });
    },
    markReadLocal(roomId, marker) {
      const current = api.getState().timelines[roomId]?.readMarkers[marker.userId];
      if (current && current.offset >= marker.offset) return;
      room(roomId, (d) => {
        d.readMarkers[marker.userId] = marker;
      });
    },
    restoreThreadReads(roomId, saved) {
      const current = api.getState().timelines[roomId]?.threadReads;
      if (current && mergeThreadReads(current, saved) === current) return;
      room(roomId, (d) => {
        d.threadReads = mergeThreadReads(d.threadReads, saved);
      });
    },
    setViewingThread(roomId, parentId, viewing) {
      const current = api.getState().timelines[roomId]?.viewingThread;
      if (viewing ? current === parentId : current !== parentId) return;
      room(roomId, (d) => {
        d.viewingThread = viewing ? parentId : undefined;
      });
    },
    expire() {
      const { state, nextExpiry } = expireSignals(api.getState(), now());
      if (state !== api.getState()) api.setState(state, true);
      return nextExpiry;
    },
  };
  return store;
}
