/**
 * The chat wire protocol, in RabbitMQ's STOMP dialect (the dev broker speaks
 * the same): destinations, the headers every frame needs, the event types,
 * and the one place frames are built. Validation of incoming frames lives in
 * `validate.ts`.
 *
 * | what | destination | kept |
 * | --- | --- | --- |
 * | room events | `/queue/chat.room.<roomId>` (stream) | durable, replayable |
 * | typing | `/topic/chat.typing.<roomId>` | ephemeral |
 * | presence | `/topic/chat.presence.<roomId>` | ephemeral, TTL |
 * | room directory | `/queue/chat.rooms` (stream) | durable |
 * | direct messages | `/queue/chat.room.dm.<a>.<b>…` (stream, members sorted) | durable, members only |
 * | a user's inbox (new direct messages) | `/queue/user.<login>.inbox` (stream) | durable, owner reads |
 * With a room directory service (`room-directory.ts`) members address public
 * rooms and the directory as `/amq/queue/…`; the service declares them.
 */

/**
 * Room ids: lower-case letters, digits, `_` and `-` (no `.`, which is a
 * topic word separator); a direct message's id is `dm.` and its members'
 * logins, sorted, joined by `.` (the broker's permissions read them there).
 */
export const ROOM_ID_PATTERN = /^(?:[a-z0-9][a-z0-9_-]{0,63}|dm(?:\.[a-z0-9][a-z0-9_-]{0,63}){2,8})$/;
/** Logins that can be members of a direct message (they become words of its destination). */
export const DM_MEMBER_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** Most members of a direct message (a small group). */
export const DM_MAX_MEMBERS = 8;

/** The room id of the direct message between `members` (order does not matter; duplicates fold). */
export function directMessageId(members: readonly string[]): string {
  const sorted = [...new Set(members)].sort();
  if (sorted.length < 2 || sorted.length > DM_MAX_MEMBERS) throw new RangeError(`a direct message has 2-${DM_MAX_MEMBERS} members, got ${sorted.length}`);
  for (const m of sorted) {
    if (!DM_MEMBER_PATTERN.test(m)) throw new TypeError(`login ${JSON.stringify(m)} cannot be in a direct message: use 1-64 of a-z 0-9 _ -`);
  }
  return `dm.${sorted.join('.')}`;
}

/** The members of a direct message's room id, or null for a room. */
export function directMessageMembers(roomId: string): string[] | null {
  return roomId.startsWith('dm.') && isRoomId(roomId) ? roomId.slice(3).split('.') : null;
}
/** Event ids (sender-made idempotency keys). A UUID fits. */
export const EVENT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Size limits enforced on what we send and on what we accept. */
export const CHAT_LIMITS = {
  /** Characters in a message text. */
  text: 4000,
  /** Characters in a room name. */
  roomName: 100,
  /** Characters in a room topic. */
  roomTopic: 500,
  /** Characters (UTF-16 units) in a reaction emoji. */
  emoji: 32,
  /** Characters in a user id (the STOMP login). */
  userId: 128,
  /** Longest presence TTL a peer may ask for, ms. */
  presenceTtl: 10 * 60_000,
  /** Users mentioned in one message. */
  mentions: 20,
  /** Files attached to one message. */
  attachments: 10,
  /** Characters in an attachment's URL, name and media type. */
  attachmentUrl: 2048,
  attachmentName: 255,
  attachmentType: 127,
} as const;

/** Is `roomId` a valid room id? */
export function isRoomId(roomId: unknown): roomId is string {
  return typeof roomId === 'string' && ROOM_ID_PATTERN.test(roomId);
}

/** Throws a clear error unless `roomId` is a valid room id. */
export function assertRoomId(roomId: unknown): asserts roomId is string {
  if (!isRoomId(roomId)) {
    throw new TypeError(`invalid room id ${JSON.stringify(roomId)}: use 1-64 of a-z 0-9 _ - (starting with a letter or digit)`);
  }
}

// ---------------------------------------------------------------------------
// Destinations

/** Prefix of room streams; the room id follows. */
export const ROOM_PREFIX = '/queue/chat.room.';
export const TYPING_PREFIX = '/topic/chat.typing.';
export const PRESENCE_PREFIX = '/topic/chat.presence.';
/** The room directory stream. */
export const DIRECTORY_DESTINATION = '/queue/chat.rooms';

/** A user's inbox stream: where others announce direct messages to them. */
export function inboxDestination(login: string): string {
  if (!DM_MEMBER_PATTERN.test(login)) throw new TypeError(`login ${JSON.stringify(login)} has no inbox: use 1-64 of a-z 0-9 _ -`);
  return `/queue/user.${login}.inbox`;
}

/** Every destination the chat uses. Throws on an invalid room id. */
export const chatDestinations = {
  room(roomId: string): string {
    assertRoomId(roomId);
    return ROOM_PREFIX + roomId;
  },
  typing(roomId: string): string {
    assertRoomId(roomId);
    return TYPING_PREFIX + roomId;
  },
  presence(roomId: string): string {
    assertRoomId(roomId);
    return PRESENCE_PREFIX + roomId;
  },
  directory: DIRECTORY_DESTINATION,
} as const;

// ---------------------------------------------------------------------------
// Headers

/**
 * RabbitMQ declares a queue from the headers of the first frame naming it, and
 * checks every later SEND/SUBSCRIBE against that declaration: a frame without
 * them would (re)declare a classic queue and the broker closes the
 * connection. So every frame naming a stream repeats exactly these.
 */
export const STREAM_DECLARATION: Readonly<Record<string, string>> = Object.freeze({
  'x-queue-type': 'stream',
  durable: 'true',
  'auto-delete': 'false',
});

/** Where a stream subscription starts (RabbitMQ's `x-stream-offset` values). */
export type StreamStart = 'first' | 'last' | 'next' | { offset: number } | { timestamp: number };

/** Default number of unacknowledged messages a stream reader may hold. */
export const DEFAULT_PREFETCH = 200;

function streamOffsetValue(start: StreamStart): string {
  if (typeof start === 'string') return start;
  if ('offset' in start) {
    if (!Number.isSafeInteger(start.offset) || start.offset < 0) throw new RangeError(`stream offset must be an integer >= 0, got ${start.offset}`);
    return `offset=${start.offset}`;
  }
  if (!Number.isSafeInteger(start.timestamp) || start.timestamp < 0) throw new RangeError(`stream timestamp must be an integer >= 0, got ${start.timestamp}`);
  // RabbitMQ takes POSIX seconds.
  return `timestamp=${Math.floor(start.timestamp / 1000)}`;
}

/**
 * SUBSCRIBE headers for reading a stream (STOMP 1.2 §"SUBSCRIBE"): streams
 * need `ack:client` (cumulative ACK, §"SUBSCRIBE ack Header") and a
 * `prefetch-count`, plus the declaration and the start offset.
 */
export function streamSubscribeHeaders(start: StreamStart, prefetch: number = DEFAULT_PREFETCH): Record<string, string> {
  if (!Number.isSafeInteger(prefetch) || prefetch < 1) throw new RangeError(`prefetch must be an integer >= 1, got ${prefetch}`);
  return {
    ...STREAM_DECLARATION,
    ack: 'client',
    'prefetch-count': String(prefetch),
    'x-stream-offset': streamOffsetValue(start),
  };
}

/** Header RabbitMQ (and the dev broker) put on each MESSAGE read from a stream. */
export const STREAM_OFFSET_HEADER = 'x-stream-offset';
/** Header naming the sender; the broker checks it against the login (STOMP: `user-id`). */
export const USER_ID_HEADER = 'user-id';
/** The dev broker's time of a stream message, epoch ms (RabbitMQ passes a sender's header of this name through: not trusted there). */
export const BROKER_TIME_HEADER = 'timestamp';
/** The session's idempotency key header; we set it to the event id. */
export const EVENT_ID_HEADER = 'stompkit-id';

// ---------------------------------------------------------------------------
// Events

interface EventBase {
  /** Sender-made idempotency key; also the `stompkit-id` header. */
  id: string;
  roomId: string;
  /** Sender's clock, epoch ms. Display only: never trusted for ordering. */
  ts: number;
}

export interface MessageCreatedEvent extends EventBase, MessageExtras {
  type: 'message.created';
  /** May be empty when the message carries attachments. */
  text: string;
}

/** What a message may carry besides its text. */
export interface MessageExtras {
  /** A thread reply: the id of the message that started the thread. Replies travel in the room's stream. */
  parentId?: string;
  /** A thread reply shown in the room too ("also send to room"). */
  alsoInRoom?: boolean;
  /** Users mentioned with `@login` in the text. */
  mentions?: string[];
  /** Files uploaded with the message. */
  attachments?: Attachment[];
}

/**
 * A file attached to a message, as `uploadFile` returned it. Only `https:`
 * and same-origin URLs are rendered; `width`/`height` (images) let the list
 * reserve the space before the image loads.
 */
export interface Attachment {
  url: string;
  name: string;
  /** Bytes. */
  size: number;
  /** Media type, e.g. `image/png`. */
  type: string;
  width?: number;
  height?: number;
}
export interface MessageEditedEvent extends EventBase {
  type: 'message.edited';
  messageId: string;
  text: string;
}
export interface MessageDeletedEvent extends EventBase {
  type: 'message.deleted';
  messageId: string;
}
export interface ReactionEvent extends EventBase {
  type: 'reaction.added' | 'reaction.removed';
  messageId: string;
  emoji: string;
}
/** A user's read position: everything up to and including `offset`. */
export interface ReadEvent extends EventBase {
  type: 'read';
  messageId: string;
  offset: number;
}

/** Events of a room stream. */
export type RoomEvent = MessageCreatedEvent | MessageEditedEvent | MessageDeletedEvent | ReactionEvent | ReadEvent;
export type RoomEventType = RoomEvent['type'];
export const ROOM_EVENT_TYPES: readonly RoomEventType[] = [
  'message.created',
  'message.edited',
  'message.deleted',
  'reaction.added',
  'reaction.removed',
  'read',
];

/** Room directory events (the `/queue/chat.rooms` stream). */
export interface RoomCreatedEvent extends EventBase {
  type: 'room.created';
  name: string;
  topic?: string;
}
export interface RoomUpdatedEvent extends EventBase {
  type: 'room.updated';
  name?: string;
  topic?: string;
}
/**
 * The room directory service declared the room's stream: members may read
 * and write it. Believed only from the service's login (`withRoomDirectory`).
 */
export interface RoomReadyEvent extends EventBase {
  type: 'room.ready';
}
export type DirectoryEvent = RoomCreatedEvent | RoomUpdatedEvent | RoomReadyEvent;

/** Inbox events (a user's `/queue/user.<login>.inbox` stream): a direct message that includes them. */
export interface DirectMessageStartedEvent extends EventBase {
  type: 'dm.started';
  /** Sorted; `roomId` is `directMessageId(members)`. */
  members: string[];
}
export type InboxEvent = DirectMessageStartedEvent;

/** Typing signals (ephemeral topic). */
export interface TypingSignal extends EventBase {
  type: 'typing.start' | 'typing.stop';
}

/** Presence signals (ephemeral topic). `ttl`: how long the peer counts as present without a heartbeat. */
export interface PresenceSignal extends EventBase {
  type: 'presence.join' | 'presence.heartbeat' | 'presence.leave';
  ttl: number;
}

export type ChatEvent = RoomEvent | DirectoryEvent | InboxEvent | TypingSignal | PresenceSignal;

/**
 * A validated event with what the frame said about it: `author` from the
 * broker-checked `user-id` header, `offset` from `x-stream-offset` (streams
 * only).
 */
export interface Envelope<E extends ChatEvent = ChatEvent> {
  event: E;
  author: string;
  /** Position in the stream; null for topic signals. */
  offset: number | null;
  /** When the broker took it (epoch ms), from a broker that stamps it; else absent. */
  brokerTs?: number;
}

export type RoomEnvelope = Envelope<RoomEvent> & { offset: number };
export type DirectoryEnvelope = Envelope<DirectoryEvent> & { offset: number };
export type InboxEnvelope = Envelope<InboxEvent> & { offset: number };
export type TypingEnvelope = Envelope<TypingSignal>;
export type PresenceEnvelope = Envelope<PresenceSignal>;

// ---------------------------------------------------------------------------
// Frame builders: the one place SEND frames are made.

/** Everything `session.send` / `transaction.send` needs. */
export interface OutgoingFrame {
  destination: string;
  /** JSON text. */
  body: string;
  headers: Record<string, string>;
}

function sendHeaders(event: ChatEvent, userId: string, stream: boolean): Record<string, string> {
  if (typeof userId !== 'string' || userId === '' || userId.length > CHAT_LIMITS.userId) {
    throw new TypeError('chat: a user id (the STOMP login) is needed to send');
  }
  return {
    ...(stream ? STREAM_DECLARATION : {}),
    'content-type': 'application/json',
    [USER_ID_HEADER]: userId,
    [EVENT_ID_HEADER]: event.id,
  };
}

/** SEND of a room event to the room stream. */
export function roomEventFrame(event: RoomEvent, userId: string): OutgoingFrame {
  return { destination: chatDestinations.room(event.roomId), body: JSON.stringify(event), headers: sendHeaders(event, userId, true) };
}

/** SEND of a directory event to the directory stream. */
export function directoryEventFrame(event: DirectoryEvent, userId: string): OutgoingFrame {
  assertRoomId(event.roomId);
  return { destination: DIRECTORY_DESTINATION, body: JSON.stringify(event), headers: sendHeaders(event, userId, true) };
}

/** SEND of an inbox event to `recipient`'s inbox stream. */
export function inboxEventFrame(event: InboxEvent, userId: string, recipient: string): OutgoingFrame {
  return { destination: inboxDestination(recipient), body: JSON.stringify(event), headers: sendHeaders(event, userId, true) };
}

/** SEND of a typing signal to the typing topic. */
export function typingFrame(event: TypingSignal, userId: string): OutgoingFrame {
  return { destination: chatDestinations.typing(event.roomId), body: JSON.stringify(event), headers: sendHeaders(event, userId, false) };
}

/** SEND of a presence signal to the presence topic. */
export function presenceFrame(event: PresenceSignal, userId: string): OutgoingFrame {
  return { destination: chatDestinations.presence(event.roomId), body: JSON.stringify(event), headers: sendHeaders(event, userId, false) };
}

/** A fresh event id: a UUID where the platform has one, else 128 random bits. */
export function newEventId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// ---------------------------------------------------------------------------
// Errors

/** What went wrong, for `onError` hooks. */
export type ChatErrorCode =
  /** An incoming frame failed validation and was dropped. */
  | 'invalid-event'
  /** An edit or delete by someone other than the message's author, dropped. */
  | 'not-author'
  /** A send, transaction, subscription or page load failed. */
  | 'send-failed'
  | 'announce-failed'
  | 'history-failed';

/** An error reported to `onError`; never thrown into the store. */
/** The message of something thrown, for an error text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ChatError extends Error {
  override name = 'ChatError';
  constructor(
    readonly code: ChatErrorCode,
    message: string,
    /** Where it came from, when a frame was involved. */
    readonly detail: { destination?: string; messageId?: string; roomId?: string; cause?: unknown } = {},
  ) {
    super(message);
  }
}
