/**
 * `createChatClient(session, options)`: binds a `StompSession` to a chat
 * store. Reads room streams (live, resumed after reconnects, history by
 * offset), the directory, presence and typing; sends events with the
 * broker-checked `user-id`, optimistic local state and receipts.
 */
import type { StompSession } from '../core/types';
import type { ChatClient, ChatClientOptions, OpenRoomOptions, SendMessageOptions } from './client-types';
import {
  CHAT_LIMITS,
  ChatError,
  errorText,
  DIRECTORY_DESTINATION,
  assertRoomId,
  directoryEventFrame,
  newEventId,
  roomEventFrame,
  type RoomEvent,
} from './protocol';
import { extrasFor } from './message-extras';
import { Inbox } from './inbox';
import { announce } from './announce';
import { createEchoWatch } from './echo-watch';
import { browserReadPositions, createReadSender, type ReadPositions } from './read-positions';
import { RestoredSends } from './restored-sends';
import { RoomReader, type RoomReaderContext } from './room-reader';
import { TypingSender } from './signals';
import { NO_THREAD_READS } from './state';
import { createChatStore } from './store';
import { StreamFollower } from './stream-reader';
import { validateDirectoryMessage } from './validate';

function checkText(text: unknown, what = 'message text', allowEmpty = false): string {
  if (typeof text !== 'string' || (!allowEmpty && text.trim() === '')) throw new TypeError(`${what} must be a non-empty string`);
  if (text.length > CHAT_LIMITS.text) throw new RangeError(`${what} is longer than ${CHAT_LIMITS.text} characters`);
  return text;
}

/**
 * Create a chat client on a session (connected or not: subscriptions and
 * sends wait for CONNECTED).
 *
 * @example
 * const chat = createChatClient(session, { userId: 'alice' });
 * const close = chat.openRoom('general');
 * await chat.sendMessage('general', 'hello');
 */
export function createChatClient(session: StompSession, options: ChatClientOptions = {}): ChatClient {
  const store = options.store ?? createChatStore(options);
  const now = options.now ?? Date.now;
  const presenceInterval = options.presenceInterval ?? 10_000;
  const report = (error: ChatError): void => {
    try {
      options.onError?.(error);
    } catch {
      // An onError that throws must not break message delivery.
    }
  };
  const me = (): string | null => options.userId ?? session.getSnapshot().serverInfo?.userName ?? null;
  const requireMe = (): string => {
    const id = me();
    if (id === null) throw new Error('chat: the current user is unknown; pass `userId` (the STOMP login)');
    return id;
  };

  // Per user, made when the user is known (it may come with CONNECTED).
  let readPositions: { user: string; positions: ReadPositions } | null = null;
  const positions = (): ReadPositions | null => {
    const user = me();
    if (user === null) return null;
    if (readPositions?.user !== user) readPositions = { user, positions: options.readPositions ?? browserReadPositions(user) };
    return readPositions.positions;
  };

  const ctx: RoomReaderContext = {
    session,
    store,
    me,
    now,
    report,
    presenceInterval,
    presenceTtl: options.presenceTtl ?? presenceInterval * 3,
    typingThrottle: options.typingThrottle ?? 3000,
    pageSize: options.pageSize ?? 50,
    historyTimeout: 10_000,
    readPosition: (roomId) => positions()?.get(roomId),
    arrived: (eventId) => echoes.arrived(eventId),
    threadReads: (roomId) => positions()?.threads?.(roomId),
  };
  const readers = new Map<string, RoomReader>();
  const readerOf = (roomId: string): RoomReader => {
    assertRoomId(roomId);
    let reader = readers.get(roomId);
    if (!reader) readers.set(roomId, (reader = new RoomReader(ctx, roomId)));
    return reader;
  };
  const releaseReader = (reader: RoomReader): void => {
    if (reader.idle && readers.get(reader.roomId) === reader) {
      reader.dispose();
      readers.delete(reader.roomId);
      echoes.forgetRoom(reader.roomId);
    }
  };
  const typingSender = new TypingSender(ctx);
  const discarded = new Set<string>();
  const restored = new RestoredSends({ session, store, me, report, discarded, following: (roomId) => readers.get(roomId)?.following ?? false });
  const inbox = new Inbox({ session, store, me, now, report });

  // Directory: read from the first offset, resumed like any stream.
  let directory: StreamFollower | null = null;
  let directoryUsers = 0;

  // Presence and typing expire on our clock: one timer at the next expiry.
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  const scheduleExpiry = (): void => {
    clearTimeout(expiryTimer);
    const next = store.expire();
    if (next !== null) expiryTimer = setTimeout(scheduleExpiry, Math.max(0, next - now()) + 1);
  };
  const stopStore = store.subscribe((state, previous) => {
    if (state.presence !== previous.presence || state.typing !== previous.typing) scheduleExpiry();
    // Thread read positions move in the store (a viewed thread catches up as replies come): saved from there.
    if (state.timelines !== previous.timelines) {
      for (const [roomId, timeline] of Object.entries(state.timelines)) {
        const reads = timeline.threadReads;
        if (reads !== NO_THREAD_READS && reads !== previous.timelines[roomId]?.threadReads) positions()?.setThreads?.(roomId, reads);
      }
    }
  });

  // Connection changes: resume streams after the last offset seen.
  let wasConnected = session.getSnapshot().status === 'connected';
  let dropped = false;
  // A session shared across tabs has its outbox once this tab has joined (as leader or follower).
  let tab = session.getSnapshot().tab;
  const onSession = (): void => {
    const state = session.getSnapshot();
    const user = me();
    if (user !== store.getState().me) store.setMe(user);
    if (state.tab !== tab) {
      tab = state.tab;
      // Sends queued before a page reload: shown as pending, though not connected yet.
      restored.restore();
    }
    if (state.status === 'connected') {
      if (wasConnected) return;
      // Every transition to connected, the first included: a presence join
      // made before CONNECTED was dropped, and peers would otherwise only see
      // us at our next heartbeat.
      wasConnected = true;
      const afterDrop = dropped;
      dropped = false;
      for (const reader of readers.values()) reader.connected(afterDrop);
      echoes.connected();
      // The user may only be known now (from CONNECTED's server info).
      restored.restore();
    } else if (wasConnected) {
      wasConnected = false;
      dropped = true;
      store.flush();
      for (const reader of readers.values()) reader.disconnected();
      directory?.resume();
    }
  };
  const stopSession = session.subscribe(onSession);
  onSession();
  // Sends queued before a page reload: shown as pending again.
  restored.restore();

  /** Once receipted, an event must come back through its room's stream if we read it (echo-watch.ts). */
  const echoes = createEchoWatch({
    session,
    now,
    timeout: options.echoTimeout ?? 5000,
    resend: (event) => (event.type === 'message.created' ? sendMessageEvent(event) : sendEvent(event)),
  });
  /** `send` with the event's echo watched, if its room's stream is read. */
  const watched = (event: RoomEvent, send: () => Promise<unknown>): Promise<void> => {
    if (readers.get(event.roomId)?.following) echoes.track(event);
    return send().then(
      () => echoes.receipted(event.id),
      (error: unknown) => {
        echoes.failed(event.id);
        throw error;
      },
    );
  };

  /** Send one room event; the optimistic state is the caller's. */
  const sendEvent = (event: RoomEvent): Promise<void> => {
    const frame = roomEventFrame(event, requireMe());
    return watched(event, () => session.send(frame.destination, frame.body, frame.headers));
  };

  const sendMessageEvent = (event: RoomEvent & { type: 'message.created' }): Promise<void> => {
    const { id, roomId } = event;
    // Confirmed entries stay listed a while: those are sent anew (an echo that never came).
    const pending = session.getOutbox().some((entry) => entry.id === id && entry.status !== 'confirmed');
    const sent = pending ? watched(event, () => session.retry(id)) : sendEvent(event);
    return sent.then(
      () => {
        // Nobody reads this room's stream: the copy would never be replaced by
        // the stream's, so it goes; opening the room reads it back in order.
        if (readers.get(roomId)?.following) store.markSent(roomId, id);
        else store.discard(roomId, id);
      },
      (error: unknown) => {
        if (discarded.has(id)) return;
        store.markFailed(roomId, id, errorText(error));
        report(new ChatError('send-failed', `message ${id} to ${roomId} failed: ${errorText(error)}`, { roomId, cause: error }));
        throw error;
      },
    );
  };

  const reportFailure = (roomId: string, what: string) => (error: unknown) => {
    report(new ChatError('send-failed', `${what} in ${roomId} failed: ${errorText(error)}`, { roomId, cause: error }));
    throw error;
  };

  const react = async (roomId: string, messageId: string, emoji: string, type: 'reaction.added' | 'reaction.removed'): Promise<void> => {
    assertRoomId(roomId);
    if (typeof emoji !== 'string' || emoji === '' || emoji.length > CHAT_LIMITS.emoji || /[\s\p{Cc}]/u.test(emoji)) {
      throw new TypeError('emoji must be a short string without spaces');
    }
    await sendEvent({ id: newEventId(), type, roomId, ts: now(), messageId, emoji }).catch(reportFailure(roomId, type));
  };

  const sendRead = createReadSender({ store, me, now, report, positions, send: sendEvent });

  const client: ChatClient = {
    store,
    session,
    get userId() {
      return me();
    },

    openRoom(roomId: string, openOptions: OpenRoomOptions = {}) {
      const reader = readerOf(roomId);
      const release = reader.open(openOptions);
      restored.restore(roomId);
      return () => {
        release();
        releaseReader(reader);
      };
    },

    watchRoom(roomId: string) {
      const reader = readerOf(roomId);
      const release = reader.watch();
      return () => {
        release();
        releaseReader(reader);
      };
    },

    watchDirectory() {
      directoryUsers += 1;
      directory ??= new StreamFollower({
        session,
        destination: DIRECTORY_DESTINATION,
        start: 'first',
        prefetch: 200,
        onMessage: (message) => {
          const result = validateDirectoryMessage(message);
          if (result.ok) store.receive({ kind: 'directory', envelope: result.value });
          else report(result.error);
        },
      });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (--directoryUsers === 0) {
          directory?.stop();
          directory = null;
        }
      };
    },

    watchInbox: () => inbox.watch(),
    startDirectMessage: (others: readonly string[]) => inbox.start(others),

    loadOlder(roomId: string) {
      return readerOf(roomId).loadOlder();
    },

    async sendMessage(roomId: string, text: string, options: SendMessageOptions = {}) {
      assertRoomId(roomId);
      checkText(text, 'message text', (options.attachments?.length ?? 0) > 0);
      const extras = extrasFor(text, options);
      requireMe();
      const id = newEventId();
      const ts = now();
      store.addPending(roomId, { id, text, createdAt: ts, ...(extras && { extras }) });
      typingSender.stop(roomId);
      await sendMessageEvent({ id, type: 'message.created', roomId, ts, text, ...extras });
    },

    async retry(roomId: string, messageId: string) {
      assertRoomId(roomId);
      const timeline = store.getState().timelines[roomId];
      const pending = timeline?.data.pending.get(messageId);
      if (!pending && timeline?.data.records.has(messageId)) {
        // It did arrive after all (late): nothing to resend.
        if (session.getOutbox().some((e) => e.id === messageId && e.status === 'failed')) session.drop(messageId);
        return;
      }
      if (!pending) throw new Error(`chat: no local message ${messageId} in ${roomId} to retry`);
      store.markPending(roomId, messageId);
      restored.release(messageId);
      await sendMessageEvent({ id: messageId, type: 'message.created', roomId, ts: pending.createdAt, text: pending.text, ...pending.extras });
    },

    discard(roomId: string, messageId: string) {
      assertRoomId(roomId);
      discarded.add(messageId);
      store.discard(roomId, messageId);
      if (session.getOutbox().some((entry) => entry.id === messageId)) session.drop(messageId);
    },

    async editMessage(roomId: string, messageId: string, text: string) {
      assertRoomId(roomId);
      checkText(text);
      await sendEvent({ id: newEventId(), type: 'message.edited', roomId, ts: now(), messageId, text }).catch(reportFailure(roomId, 'edit'));
    },

    async deleteMessage(roomId: string, messageId: string) {
      assertRoomId(roomId);
      await sendEvent({ id: newEventId(), type: 'message.deleted', roomId, ts: now(), messageId }).catch(reportFailure(roomId, 'delete'));
    },

    toggleReaction(roomId: string, messageId: string, emoji: string) {
      const message = store.getState().timelines[roomId]?.messages.find((m) => m.id === messageId);
      const mine = message?.reactions.some((r) => r.emoji === emoji && r.mine) ?? false;
      return react(roomId, messageId, emoji, mine ? 'reaction.removed' : 'reaction.added');
    },
    addReaction: (roomId: string, messageId: string, emoji: string) => react(roomId, messageId, emoji, 'reaction.added'),
    removeReaction: (roomId: string, messageId: string, emoji: string) => react(roomId, messageId, emoji, 'reaction.removed'),

    markRead(roomId: string) {
      assertRoomId(roomId);
      sendRead(roomId);
    },

    typing(roomId: string) {
      assertRoomId(roomId);
      typingSender.typing(roomId);
    },

    stopTyping(roomId: string) {
      assertRoomId(roomId);
      typingSender.stop(roomId);
    },

    async createRoom(roomId: string, name: string, topic?: string) {
      assertRoomId(roomId);
      if (typeof name !== 'string' || name.trim() === '' || name.length > CHAT_LIMITS.roomName) {
        throw new TypeError(`room name must be 1-${CHAT_LIMITS.roomName} characters`);
      }
      if (topic !== undefined && (typeof topic !== 'string' || topic.length > CHAT_LIMITS.roomTopic)) {
        throw new TypeError(`room topic must be at most ${CHAT_LIMITS.roomTopic} characters`);
      }
      store.flush();
      if (store.getState().rooms.some((r) => r.id === roomId)) throw new Error(`chat: room ${roomId} already exists`);
      const event = { id: newEventId(), type: 'room.created' as const, roomId, ts: now(), name, ...(topic === undefined ? {} : { topic }) };
      const frame = directoryEventFrame(event, requireMe());
      await session.send(frame.destination, frame.body, frame.headers).catch(reportFailure(roomId, 'create room'));
    },

    announce: (roomIds: readonly string[], text: string) =>
      announce({ session, store, echoes, report, following: (roomId) => readers.get(roomId)?.following ?? false, user: requireMe, now }, roomIds, checkText(text)),

    dispose() {
      stopSession();
      stopStore();
      restored.dispose();
      echoes.dispose();
      clearTimeout(expiryTimer);
      for (const reader of readers.values()) reader.dispose();
      readers.clear();
      directory?.stop();
      directory = null;
      inbox.stop();
    },
  };
  return client;
}
