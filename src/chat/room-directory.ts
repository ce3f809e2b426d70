/**
 * `withRoomDirectory(session)` (`stompkit/chat/directory`): chat over a
 * broker where a room directory service, not the members, declares public
 * room streams.
 *
 * RabbitMQ checks the *configure* permission on every frame that names a
 * `/queue/…` destination, because each one declares the queue. Under
 * permissions where members may not declare room streams (so nobody can
 * pre-declare a room as a classic queue, or with a one-byte retention),
 * members address public rooms and the directory as existing queues,
 * `/amq/queue/<name>` (RabbitMQ's address, and the dev broker's; MESSAGE
 * frames still say `/queue/<name>`). Those frames have their own failure
 * modes: a SUBSCRIBE to a missing queue is an ERROR that closes the shared
 * connection, and a SEND to one is dropped with a RECEIPT. So nothing goes
 * to a public room before the service has declared its stream and said so
 * with a `room.ready` event of its own login in the directory stream.
 *
 * Which rooms are ready is learned from the directory as the chat client
 * reads it for its room list (seen here on its way through); the wrapper
 * reads the directory itself only while a room is awaited and no such
 * reading is open, so a page replays the directory once.
 *
 * The wrapper is a `StompSession` (give it to `<StompProvider session>` or
 * `<ChatProvider session>`): the chat client above it is unchanged, and apps
 * without a directory service do not ship this file.
 */
import type { IncomingMessage, Receipt, SendBody, StompSession, StompTransaction } from '../core/types';
import { offsetOf } from './stream-reader';
import { ChatError, DIRECTORY_DESTINATION, ROOM_PREFIX, STREAM_OFFSET_HEADER, USER_ID_HEADER, isRoomId, streamSubscribeHeaders } from './protocol';

export interface RoomDirectoryOptions {
  /** The login of the room directory service. Default `directory`. */
  login?: string;
  /** How long, while connected, a send to a room waits for the service to declare it, ms. Default 15 000. */
  timeout?: number;
  /**
   * Where rooms known to be ready are remembered across page loads, so a
   * send after a reload goes to the session's outbox at once, even offline.
   * (Reading a room still waits for this page's directory: a SUBSCRIBE to a
   * stream the broker no longer has would close the connection.) Default
   * `localStorage` where there is one; `null` remembers nothing.
   */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** A `room.ready` from anyone but the service (dropped). */
  onError?: (error: ChatError) => void;
}

/** Direct messages (`chat.room.dm.…`) are declared by their members (see `docs/chat-acl.json`). */
function managedRoom(destination: string): string | null {
  const roomId = destination.startsWith(ROOM_PREFIX) ? destination.slice(ROOM_PREFIX.length) : '';
  return isRoomId(roomId) && !roomId.startsWith('dm.') ? roomId : null;
}

/** The address of a chat destination: rooms the service declares and the directory as existing queues. */
function address(destination: string): string {
  return destination === DIRECTORY_DESTINATION || managedRoom(destination) !== null ? '/amq' + destination : destination;
}

/** The first offset a stream SUBSCRIBE reads (`x-stream-offset`); Infinity when not a fixed one (`last`, `next`, a time). */
function streamStart(headers?: Record<string, string>): number {
  const value = headers?.[STREAM_OFFSET_HEADER] ?? '';
  if (value === 'first') return 0;
  const match = /^offset=(\d+)$/.exec(value);
  return match ? Number(match[1]) : Infinity;
}

const STORAGE_KEY = 'stompkit:ready-rooms';
/** At most this many ready rooms are remembered (the newest). */
const REMEMBERED = 1000;

function remembered(storage: Pick<Storage, 'getItem'> | null): string[] {
  try {
    const list: unknown = JSON.parse(storage?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string' && isRoomId(id)) : [];
  } catch {
    return [];
  }
}

function remember(storage: Pick<Storage, 'setItem'> | null, ready: ReadonlySet<string>): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify([...ready].slice(-REMEMBERED)));
  } catch {
    // Full or unavailable storage: rooms are learned again from the directory.
  }
}

/**
 * Wrap `session` so public rooms are used only once the room directory
 * service has declared their streams.
 *
 * @example
 * const session = withRoomDirectory(createStompSession({ url, connectHeaders }));
 * <StompProvider session={session}><ChatProvider userId={login}>…</ChatProvider></StompProvider>
 */
export function withRoomDirectory(session: StompSession, options: RoomDirectoryOptions = {}): StompSession {
  const { login = 'directory', timeout = 15_000, onError } = options;
  const storage = options.storage === undefined ? (globalThis.localStorage ?? null) : options.storage;
  /** Ready per this page's reading of the directory. */
  const ready = new Set<string>();
  /** Ready in this or an earlier page load: enough to queue a send. */
  const known = new Set<string>(remembered(storage));
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Room id → what runs once it is ready, in the order asked. */
  const waiting = new Map<string, Array<() => void>>();
  /**
   * The directory is read once per page where possible: the chat client
   * follows it from the start for its room list, and what passes through
   * here is seen here too. Only while rooms are awaited and no such reader
   * is open does the wrapper read it itself.
   */
  let readers = 0;
  /** Highest directory offset seen by a reader that saw every offset before it. */
  let readTo = -1;
  let ownReader: (() => void) | null = null;
  /** Offsets of forged events already reported (two readers may see one event). */
  const reported = new Set<number>();

  const seen = (message: IncomingMessage, complete: boolean): void => {
    const offset = offsetOf(message);
    if (complete && offset !== null && offset > readTo) readTo = offset;
    // Most directory events are not this one: the chat client parses those, not the wrapper too.
    if (!message.body.includes('room.ready')) return;
    let event: unknown;
    try {
      event = JSON.parse(message.body);
    } catch {
      return; // The chat client reports invalid directory events.
    }
    if (typeof event !== 'object' || event === null || (event as { type?: unknown }).type !== 'room.ready') return;
    const roomId = (event as { roomId?: unknown }).roomId;
    const author = message.headers[USER_ID_HEADER];
    if (typeof roomId !== 'string' || !isRoomId(roomId)) return;
    if (author !== login) {
      if (offset !== null && reported.has(offset)) return;
      if (offset !== null) reported.add(offset);
      onError?.(new ChatError('invalid-event', `dropped room.ready of ${roomId} from ${String(author)}: only ${login} declares rooms`, { roomId }));
      return;
    }
    ready.add(roomId);
    if (!known.has(roomId)) {
      known.add(roomId);
      // One write per burst (the directory replays every room at start).
      saveTimer ??= setTimeout(() => {
        saveTimer = undefined;
        remember(storage, known);
      }, 1000);
    }
    const runs = waiting.get(roomId) ?? [];
    waiting.delete(roomId);
    // Synchronously, in order: a send made after this cannot overtake one that waited.
    // One that throws (a SUBSCRIBE with headers the session refuses) strands none of the others;
    // the first error goes on to the session, which reports handler errors (`onHandlerError`).
    let failure: { error: unknown } | null = null;
    for (const run of runs) {
      try {
        run();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (waiting.size === 0 && readers > 0) queueMicrotask(stopOwnReader);
    if (failure) throw failure.error;
  };

  const stopOwnReader = (): void => {
    if (ownReader === null || waiting.size > 0 || readers === 0) return;
    ownReader();
    ownReader = null;
  };

  /** Read the directory here when a room is awaited and no reader passing through here will show it. */
  const readIfNeeded = (): void => {
    if (ownReader !== null || readers > 0 || waiting.size === 0) return;
    // From the start: every room.ready so far. Resumed (from the start again) after reconnects.
    ownReader = session.subscribe(
      address(DIRECTORY_DESTINATION),
      (message) => {
        message.ack();
        seen(message, true);
      },
      streamSubscribeHeaders('first', 200),
    );
  };

  /** A directory read through the wrapper: seen here on its way to `handler`. */
  const readDirectory = (handler: (message: IncomingMessage) => void, headers?: Record<string, string>): (() => void) => {
    // It shows every room.ready to come if it starts where this page's view of the directory reached.
    const complete = streamStart(headers) <= readTo + 1;
    const unsubscribe = session.subscribe(
      address(DIRECTORY_DESTINATION),
      (message) => {
        try {
          seen(message, complete);
        } finally {
          handler(message);
        }
      },
      headers,
    );
    if (complete) {
      readers += 1;
      queueMicrotask(stopOwnReader);
    }
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      unsubscribe();
      if (!complete) return;
      readers -= 1;
      // A follower resuming after a reconnect unsubscribes and subscribes again at once.
      queueMicrotask(readIfNeeded);
    };
  };

  /** Run `run` once `roomId` is ready (now, if it is); returns a cancel. */
  const whenReady = (roomId: string, run: () => void): (() => void) => {
    if (ready.has(roomId)) {
      run();
      return () => undefined;
    }
    const runs = waiting.get(roomId) ?? [];
    waiting.set(roomId, runs);
    const entry = (): void => run();
    runs.push(entry);
    readIfNeeded();
    return () => {
      const at = runs.indexOf(entry);
      // Gone already: it ran (the list left `waiting` as the room became ready) or was cancelled.
      if (waiting.get(roomId) !== runs || at < 0) return;
      runs.splice(at, 1);
      if (runs.length > 0) return;
      waiting.delete(roomId);
      // Nothing is awaited now: the wrapper's own reading of the directory may end.
      queueMicrotask(stopOwnReader);
    };
  };

  const send = (destination: string, body: SendBody, headers?: Record<string, string>): Promise<Receipt> => {
    const roomId = managedRoom(destination);
    if (roomId === null || known.has(roomId)) return session.send(address(destination), body, headers);
    return new Promise((resolve, reject) => {
      // The directory can only be read while connected: the wait counts from then.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = (): void => {
        cancel();
        stopWatch();
        reject(new Error(`room ${roomId} is not ready: ${login} has not declared it within ${timeout} ms`));
      };
      const arm = (): void => {
        if (session.getSnapshot().status === 'connected') {
          timer ??= setTimeout(fail, timeout);
        } else {
          clearTimeout(timer);
          timer = undefined;
        }
      };
      const stopWatch = session.subscribe(arm);
      const cancel = whenReady(roomId, () => {
        clearTimeout(timer);
        stopWatch();
        session.send(address(destination), body, headers).then(resolve, reject);
      });
      arm();
    });
  };

  function subscribe(listener: () => void): () => void;
  function subscribe(destination: string, handler: (message: IncomingMessage) => void, headers?: Record<string, string>): () => void;
  function subscribe(target: string | (() => void), handler?: (message: IncomingMessage) => void, headers?: Record<string, string>): () => void {
    if (typeof target === 'function') return session.subscribe(target);
    if (target === DIRECTORY_DESTINATION) return readDirectory(handler!, headers);
    const roomId = managedRoom(target);
    if (roomId === null || ready.has(roomId)) return session.subscribe(address(target), handler!, headers);
    let unsubscribe: (() => void) | null = null;
    const cancel = whenReady(roomId, () => {
      unsubscribe = session.subscribe(address(target), handler!, headers);
    });
    return () => {
      cancel();
      unsubscribe?.();
    };
  }

  return {
    getSnapshot: () => session.getSnapshot(),
    subscribe,
    connect: () => session.connect(),
    retryNow: () => session.retryNow(),
    reconnect: (reason) => session.reconnect(reason),
    close: () => session.close(),
    send,
    getOutbox: () => session.getOutbox(),
    onOutboxChange: (listener) => session.onOutboxChange(listener),
    retry: (id) => session.retry(id),
    drop: (id) => session.drop(id),
    begin(): StompTransaction {
      const transaction = session.begin();
      return {
        id: transaction.id,
        send(destination, body, headers) {
          const roomId = managedRoom(destination);
          if (roomId !== null && !known.has(roomId)) {
            // A transaction cannot wait: its SEND to a missing stream would be dropped, so it fails now
            // (and the directory is read, so the room is known next time).
            whenReady(roomId, () => undefined);
            throw new Error(`room ${roomId} is not ready: ${login} has not declared it`);
          }
          transaction.send(address(destination), body, headers);
        },
        ack: (message) => transaction.ack(message),
        nack: (message) => transaction.nack(message),
        commit: () => transaction.commit(),
        abort: () => transaction.abort(),
      };
    },
  };
}
