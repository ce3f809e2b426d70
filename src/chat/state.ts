/**
 * The shape of the chat store: what components read (views with stable
 * references) and the fold's own bookkeeping (`RoomData`, not for rendering).
 */
import type { Attachment, DirectoryEnvelope, InboxEnvelope, MessageExtras, PresenceEnvelope, RoomEnvelope, TypingEnvelope } from './protocol';

export type MessageStatus = 'pending' | 'sent' | 'failed';

/** One emoji on one message: how many users reacted, and whether the current user did. */
export interface ReactionSummary {
  emoji: string;
  count: number;
  mine: boolean;
  /** Who reacted, sorted. */
  users: readonly string[];
}

/**
 * A message as rendered: the create event with edits, delete and reactions
 * applied, or a local send still on its way. Unchanged messages keep their
 * object identity across updates (cheap `React.memo`).
 */
export interface ChatMessage {
  id: string;
  roomId: string;
  /** The broker-checked `user-id` of the sender (for local sends: ours). */
  authorId: string;
  /** Text after the latest edit; empty once deleted. */
  text: string;
  /**
   * When it was sent, epoch ms: the broker's time where the broker stamps
   * one (the dev broker), else the sender's clock. Display only: order is
   * the stream's.
   */
  createdAt: number;
  /** `pending` until the broker's RECEIPT (or the stream echo), `failed` with `error` if it did not come. */
  status: MessageStatus;
  error?: string;
  /** Epoch ms of the latest edit. */
  editedAt?: number;
  deleted: boolean;
  reactions: readonly ReactionSummary[];
  /** Stream offset; null while only local. */
  offset: number | null;
  /** Sent by the current user. */
  mine: boolean;
  /** A thread reply: the message that started the thread. */
  parentId?: string;
  /** A reply also shown in the room. */
  alsoInRoom?: boolean;
  /** Users mentioned (`@login`). */
  mentions?: readonly string[];
  /** The current user is among `mentions`. */
  mentionsMe?: boolean;
  attachments?: readonly Attachment[];
  /** A message that started a thread: its replies so far. */
  thread?: ThreadSummary;
}

/** What a thread's first message shows of its replies. */
export interface ThreadSummary {
  replies: number;
  /** The latest distinct repliers, newest first (at most 3). */
  lastRepliers: readonly string[];
  /** Sender's clock of the latest reply. */
  lastReplyAt: number;
  /** Replies from others since the current user last viewed the thread (absent when none). */
  unread?: number;
}

/**
 * Where the current user has read a room's threads, kept across reloads.
 * A reply is unread when it is from someone else and after the thread's
 * `read` offset, or, in a thread never viewed, after `since`.
 */
export interface ThreadReads {
  /**
   * Where the user first followed the room (null until known): replies
   * before it, in threads never viewed, were never counted as new.
   */
  since: number | null;
  /** By thread (the id of its first message): the offset of the newest reply the user has seen. */
  read: Readonly<Record<string, number>>;
}

/** A room from the directory stream, or a direct message from the user's inbox. */
export interface RoomInfo {
  id: string;
  /** For a direct message: its members' logins joined by ", ". */
  name: string;
  /** A direct message: its members (sorted), the current user included. */
  members?: readonly string[];
  topic?: string;
  createdBy: string;
  createdAt: number;
}

/** What is loaded of a room stream, for paging older history. */
export interface HistoryState {
  /** A page of older messages is being read. */
  loading: boolean;
  /** Lowest and highest stream offsets folded so far (null: none yet). */
  oldestOffset: number | null;
  newestOffset: number | null;
  /** Lowest offset the stream still holds, as far as we know (retention may have cut the start). */
  floor: number;
  /** There is older history to load (`oldestOffset > floor`). */
  hasOlder: boolean;
  /** The last page load failed (the next `loadOlder` retries). */
  error: string | null;
  /**
   * Where we began following the room (just before the first message its
   * stream delivered from `last`). Until our own read marker is known, only
   * messages after it count as unread: older history loaded by paging does
   * not, since we cannot know what was read before.
   */
  followedFrom: number | null;
}

/** A user's read position in a room. */
export interface ReadMarker {
  userId: string;
  messageId: string;
  offset: number;
}

/** Someone present in a room, until `expiresAt` unless a heartbeat renews it. */
export interface PresencePeer {
  userId: string;
  /** Epoch ms (our clock) of the first signal seen. */
  since: number;
  expiresAt: number;
}

/** Someone typing in a room, until `expiresAt` unless renewed. */
export interface TypingPeer {
  userId: string;
  expiresAt: number;
}

/** Last-writer-wins by stream offset: the fold is order-independent, so paging older history applies cleanly. */
export interface EditRecord {
  by: string;
  text: string;
  at: number;
  offset: number;
}

export interface MessageRecord {
  id: string;
  authorId: string;
  text: string;
  createdAt: number;
  offset: number;
  extras?: MessageExtras;
}

export interface PendingRecord {
  id: string;
  text: string;
  createdAt: number;
  extras?: MessageExtras;
  status: 'pending' | 'sent' | 'failed';
  error?: string;
}

/** The fold's bookkeeping for one room. Copied on write once per batch; never mutated after. */
export interface RoomData {
  /** Created messages by id. */
  records: ReadonlyMap<string, MessageRecord>;
  /** Every applied stream event id, with its offset (dedupe; trimmed with the messages). */
  seen: ReadonlyMap<string, number>;
  /** Edits and deletes by message id, possibly before their message is loaded; only the author's count. */
  edits: ReadonlyMap<string, readonly EditRecord[]>;
  deletes: ReadonlyMap<string, readonly { by: string; offset: number }[]>;
  /** Per message: `emoji \n user` → the latest add/remove by offset. */
  reactions: ReadonlyMap<string, ReadonlyMap<string, { present: boolean; offset: number }>>;
  /** Local sends not yet seen in the stream, in send order. */
  pending: ReadonlyMap<string, PendingRecord>;
}

export interface RoomTimeline {
  roomId: string;
  /** Stream order, then local sends; thread replies only when also sent to the room. */
  messages: readonly ChatMessage[];
  /** Thread replies by the id of the message that started the thread, in stream order, then local sends. */
  threads: ReadonlyMap<string, readonly ChatMessage[]>;
  readMarkers: Readonly<Record<string, ReadMarker>>;
  /** The current user's read positions in the room's threads. */
  threadReads: ThreadReads;
  /** The thread a view shows to the user right now (panel open, tab visible): its replies are read as they come. */
  viewingThread?: string;
  history: HistoryState;
  /** A view (`useRoom`) has it open: not capped. */
  open: boolean;
  /**
   * A view shows its newest message to the user right now (at the bottom,
   * tab visible): nothing in it is unread, even before the read marker that
   * follows has gone out and come back.
   */
  reading?: boolean;
  /** Internal. */
  data: RoomData;
}

export interface ChatState {
  /** The current user (the STOMP login); null until known. */
  me: string | null;
  /** The room directory, in creation order. */
  rooms: readonly RoomInfo[];
  /** Direct messages that include the current user, from their inbox, in the order they started. */
  directMessages: readonly RoomInfo[];
  timelines: Readonly<Record<string, RoomTimeline>>;
  /** Unread messages per room: from others, after my read marker, not deleted (thread-only replies not counted). */
  unread: Readonly<Record<string, number>>;
  /** Of those, the ones that mention me (replies in threads included). */
  mentions: Readonly<Record<string, number>>;
  /** Present peers per room (me included), sorted by user id. */
  presence: Readonly<Record<string, readonly PresencePeer[]>>;
  /** Peers typing per room (me excluded). */
  typing: Readonly<Record<string, readonly TypingPeer[]>>;
}

/** Validated input to the store's batch. */
export type Incoming =
  | { kind: 'room'; envelope: RoomEnvelope }
  | { kind: 'directory'; envelope: DirectoryEnvelope }
  | { kind: 'inbox'; envelope: InboxEnvelope }
  | { kind: 'typing'; envelope: TypingEnvelope }
  | { kind: 'presence'; envelope: PresenceEnvelope };

export const EMPTY_MESSAGES: readonly ChatMessage[] = Object.freeze([]);
export const EMPTY_PRESENCE: readonly PresencePeer[] = Object.freeze([]);
export const EMPTY_TYPING: readonly TypingPeer[] = Object.freeze([]);

export const NO_THREAD_READS: ThreadReads = Object.freeze({ since: null, read: Object.freeze({}) });

export const EMPTY_HISTORY: HistoryState = Object.freeze({
  loading: false,
  oldestOffset: null,
  newestOffset: null,
  floor: 0,
  hasOlder: false,
  error: null,
  followedFrom: null,
});

export const INITIAL_CHAT_STATE: ChatState = Object.freeze({
  me: null,
  rooms: Object.freeze([]) as readonly RoomInfo[],
  directMessages: Object.freeze([]) as readonly RoomInfo[],
  timelines: Object.freeze({}),
  unread: Object.freeze({}),
  mentions: Object.freeze({}),
  presence: Object.freeze({}),
  typing: Object.freeze({}),
});
