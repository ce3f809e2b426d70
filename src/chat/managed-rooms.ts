/**
 * Rooms a room directory service keeps (`ChatClientOptions.directory`).
 *
 * RabbitMQ checks the *configure* permission on every frame that names a
 * `/queue/…` destination, because each one declares the queue. So under
 * permissions where members may not declare room streams (nobody can then
 * pre-declare a room as a classic queue or with a one-byte retention),
 * members address public rooms and the directory as existing queues
 * (`/amq/queue/…`). Those frames have their own failure
 * modes: a SUBSCRIBE to a missing queue is an ERROR that closes the shared
 * connection, and a SEND to one is dropped with a RECEIPT. So nothing is
 * read from or sent to a public room before the service has declared its
 * stream and said so with a `room.ready` event of its own login in the
 * directory stream.
 *
 * Without a directory service every room is ready and every destination is
 * declared by whoever names it first (development).
 */
import {
  ChatError,
  DIRECTORY_DESTINATION,
  ROOM_PREFIX,
  existingQueue,
  isRoomId,
  type DirectoryEnvelope,
} from './protocol';

export interface ManagedRooms {
  /** The address to send to or subscribe at for a chat `destination`. */
  address(destination: string): string;
  /** The room may be read and written now. */
  isReady(roomId: string): boolean;
  /** Resolves once the room is ready; rejects after `timeout` ms. */
  ready(roomId: string, timeout: number): Promise<void>;
  /** Calls `run` once the room is ready (at once if it is); returns a cancel. */
  onReady(roomId: string, run: () => void): () => void;
  /** A directory event read from the stream: what of it (and of earlier ones held back) the store gets. */
  accept(envelope: DirectoryEnvelope): DirectoryEnvelope[];
  /** Does the client need to read the directory to know which rooms are ready? */
  readonly needsDirectory: boolean;
}

export interface ManagedRoomsOptions {
  /** The directory service's login; null: no service (every room is ready). */
  directory: string | null;
  report(error: ChatError): void;
}

/** Is `roomId` a room the directory service declares (every room but direct messages)? */
function managedRoom(roomId: string): boolean {
  return !roomId.startsWith('dm.');
}

export function createManagedRooms({ directory, report }: ManagedRoomsOptions): ManagedRooms {
  if (directory === null) {
    return {
      address: (destination) => destination,
      isReady: () => true,
      ready: () => Promise.resolve(),
      onReady(_roomId, run) {
        run();
        return () => undefined;
      },
      // `room.ready` carries nothing a store without a directory service needs.
      accept: (envelope) => (envelope.event.type === 'room.ready' ? [] : [envelope]),
      needsDirectory: false,
    };
  }
  const readyRooms = new Set<string>();
  const waiters = new Map<string, Set<() => void>>();
  /** `room.created` events of rooms not ready yet: listed once the service has declared them. */
  const held = new Map<string, DirectoryEnvelope>();
  const isReady = (roomId: string): boolean => !managedRoom(roomId) || readyRooms.has(roomId);

  const onReady = (roomId: string, run: () => void): (() => void) => {
    if (isReady(roomId)) {
      run();
      return () => undefined;
    }
    let set = waiters.get(roomId);
    if (!set) waiters.set(roomId, (set = new Set()));
    const entry = (): void => run();
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  };

  return {
    needsDirectory: true,
    isReady,
    onReady,
    address(destination) {
      if (destination === DIRECTORY_DESTINATION) return existingQueue(destination);
      if (destination.startsWith(ROOM_PREFIX)) {
        return managedRoom(destination.slice(ROOM_PREFIX.length)) ? existingQueue(destination) : destination;
      }
      return destination;
    },
    ready(roomId, timeout) {
      if (isReady(roomId)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cancel();
          reject(new Error(`room ${roomId} is not ready: the room directory (${directory}) has not announced it within ${timeout} ms`));
        }, timeout);
        const cancel = onReady(roomId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    accept(envelope) {
      const { event, author } = envelope;
      if (event.type === 'room.ready') {
        if (author !== directory) {
          report(new ChatError('invalid-event', `dropped room.ready of ${event.roomId} from ${author}: only the room directory (${directory}) declares rooms`, { roomId: event.roomId }));
          return [];
        }
        if (!isRoomId(event.roomId) || readyRooms.has(event.roomId)) return [];
        readyRooms.add(event.roomId);
        const created = held.get(event.roomId);
        held.delete(event.roomId);
        const run = waiters.get(event.roomId);
        waiters.delete(event.roomId);
        for (const waiter of run ?? []) waiter();
        return created ? [created] : [];
      }
      if (event.type === 'room.created' && managedRoom(event.roomId) && !readyRooms.has(event.roomId)) {
        // First creation wins, as in the store.
        if (!held.has(event.roomId)) held.set(event.roomId, envelope);
        return [];
      }
      return [envelope];
    },
  };
}
