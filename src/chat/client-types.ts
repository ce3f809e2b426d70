/**
 * The public surface of the chat client (`createChatClient`): what hooks and
 * components call. Kept apart from the implementation so the two can grow
 * independently.
 */
import type { StompSession } from '../core/types';
import type { Attachment, ChatError } from './protocol';
import type { ChatStore, ChatStoreOptions } from './store';
import type { ReadPositions } from './read-positions';

export interface ChatClientOptions extends ChatStoreOptions {
  /**
   * The current user: the STOMP login, sent as `user-id` on every SEND (the
   * broker checks it). Default: the `user-name` of CONNECTED, if the broker
   * sends one.
   */
  userId?: string;
  /**
   * Where the user stopped reading each room, kept across reloads (unread
   * counts of rooms not opened since). Default: `localStorage` per user.
   */
  readPositions?: ReadPositions;
  /** Messages per history page (and prefetch of stream readers). Default 50. */
  pageSize?: number;
  /** Interval between presence heartbeats, ms. Default 10 000. */
  presenceInterval?: number;
  /** How long peers keep us present without a heartbeat, ms. Default 3 × `presenceInterval`. */
  presenceTtl?: number;
  /** At most one typing signal per room per this many ms. Default 3 000. */
  typingThrottle?: number;
  /**
   * Ms after its receipt within which an event we sent to a room we read
   * must come back through the room's stream; one that does not replaces
   * the connection and is sent again with the same id (some brokers confirm
   * a stream publish they dropped during a node failure). Default 5 000.
   */
  echoTimeout?: number;
  /** Invalid frames, failed sends, failed page loads. Never thrown. */
  onError?: (error: ChatError) => void;
  /** Fold into this store instead of a new one (store options are then ignored). */
  store?: ChatStore;
}

/** What a view opens with a room. */
export interface OpenRoomOptions {
  /** Announce ourselves on the presence topic and read others'. Default true. */
  presence?: boolean;
  /** Read typing signals. Default true. */
  typing?: boolean;
}

/**
 * Binds a `StompSession` to a chat store. Every method that takes a room id
 * throws a `TypeError` for an invalid one; sends return Promises that settle
 * on the broker's RECEIPT.
 */
export interface ChatClient {
  readonly store: ChatStore;
  readonly session: StompSession;
  /** The current user, or null while unknown. */
  readonly userId: string | null;

  /**
   * A view shows the room: live subscription (resumed from the last offset
   * after a reconnect), latest page of history, presence and typing. Ref-
   * counted; returns the release function. A released room is capped to
   * `maxClosedRoomMessages`.
   */
  openRoom(roomId: string, options?: OpenRoomOptions): () => void;
  /** Keep a live subscription (for unread counts) without showing the room. Ref-counted. */
  watchRoom(roomId: string): () => void;
  /** Read the room directory stream. Ref-counted. */
  watchDirectory(): () => void;
  /** Read the current user's inbox (the direct messages that include them). Ref-counted. */
  watchInbox(): () => void;
  /**
   * Start, or find, the direct message between the current user and
   * `others` (1-7 logins of a-z 0-9 _ -); resolves with its room id, which
   * `openRoom` and `sendMessage` take like any room's.
   */
  startDirectMessage(others: readonly string[]): Promise<string>;
  /** Load the page of history before the oldest loaded message. No-op while loading or at the start. */
  loadOlder(roomId: string): Promise<void>;

  /**
   * Optimistic: the message shows `pending` at once; resolves on the RECEIPT,
   * rejects (and marks `failed`) otherwise. `@login` words in the text become
   * its mentions. With `parentId` it is a reply in that message's thread.
   */
  sendMessage(roomId: string, text: string, options?: SendMessageOptions): Promise<void>;
  /** Send a `failed` message again (same id, so it can never show twice). */
  retry(roomId: string, messageId: string): Promise<void>;
  /** Forget a `failed` or `pending` local message. */
  discard(roomId: string, messageId: string): void;
  /** Only the author's edits and deletes are applied by readers. */
  editMessage(roomId: string, messageId: string, text: string): Promise<void>;
  deleteMessage(roomId: string, messageId: string): Promise<void>;
  /** Add the reaction if we have not, remove it if we have. */
  toggleReaction(roomId: string, messageId: string, emoji: string): Promise<void>;
  addReaction(roomId: string, messageId: string, emoji: string): Promise<void>;
  removeReaction(roomId: string, messageId: string, emoji: string): Promise<void>;
  /** Publish our read position at the newest message from the stream (if it moved forward). */
  markRead(roomId: string): void;
  /** We are typing (throttled to one signal per `typingThrottle`). */
  typing(roomId: string): void;
  /** We stopped typing (sent only if a start was sent). */
  stopTyping(roomId: string): void;

  /** Add a room to the directory. Rejects if the id is invalid or already taken (as far as we know). */
  createRoom(roomId: string, name: string, topic?: string): Promise<void>;
  /** One message to several rooms in one STOMP transaction: all of them or none. */
  announce(roomIds: readonly string[], text: string): Promise<void>;

  /** Leave presence, release every subscription and timer. The session stays open. */
  dispose(): void;
}

/** What a message carries besides its text. */
export interface SendMessageOptions {
  /** Reply in the thread of this message (the thread's first message). */
  parentId?: string;
  /** A reply that shows in the room too. */
  alsoInRoom?: boolean;
  /** Files already uploaded (see `uploadFile`); the text may then be empty. */
  attachments?: Attachment[];
  /** Users to mention besides the `@login` words of the text. */
  mentions?: string[];
}
