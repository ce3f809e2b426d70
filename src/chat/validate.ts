/**
 * Validation of incoming chat frames: hand-written narrowing from `unknown`.
 * Anything that does not fit is refused with a `ChatError` (the caller drops
 * it and reports it); nothing from the wire reaches the store unchecked. The
 * author comes from the `user-id` header (STOMP 1.2 §"MESSAGE": headers the
 * broker adds), never from the body.
 */
import type { IncomingMessage, OutboxEntry } from '../core/types';
import {
  BROKER_TIME_HEADER,
  CHAT_LIMITS,
  ChatError,
  DIRECTORY_DESTINATION,
  EVENT_ID_PATTERN,
  PRESENCE_PREFIX,
  ROOM_PREFIX,
  STREAM_OFFSET_HEADER,
  TYPING_PREFIX,
  USER_ID_HEADER,
  isRoomId,
  type Attachment,
  type DirectoryEnvelope,
  type InboxEnvelope,
  directMessageId,
  directMessageMembers,
  inboxDestination,
  type DirectoryEvent,
  type MessageCreatedEvent,
  type PresenceEnvelope,
  type RoomEnvelope,
  type RoomEvent,
  type TypingEnvelope,
} from './protocol';

export type Validated<T> = { ok: true; value: T } | { ok: false; error: ChatError };

type Obj = Record<string, unknown>;

/** Thrown inside the narrowing helpers, caught at the top: the message says what was wrong. */
class Invalid extends Error {}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(o: Obj, key: string, max: number, { allowEmpty = false } = {}): string {
  const v = o[key];
  if (typeof v !== 'string') throw new Invalid(`"${key}" must be a string`);
  if (!allowEmpty && v.trim() === '') throw new Invalid(`"${key}" must not be empty`);
  if (v.length > max) throw new Invalid(`"${key}" is longer than ${max} characters`);
  return v;
}

function optionalText(o: Obj, key: string, max: number): string | undefined {
  return o[key] === undefined ? undefined : text(o, key, max, { allowEmpty: true });
}

function eventId(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string' || !EVENT_ID_PATTERN.test(v)) throw new Invalid(`"${key}" must be an id of 1-64 of A-Z a-z 0-9 _ -`);
  return v;
}

function integer(o: Obj, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Invalid(`"${key}" must be an integer >= 0`);
  return v;
}

/** An emoji: short, no whitespace or control characters (it becomes a map key and a label). */
function emoji(o: Obj): string {
  const v = text(o, 'emoji', CHAT_LIMITS.emoji);
  if (/[\s\p{Cc}]/u.test(v)) throw new Invalid('"emoji" must not contain spaces or control characters');
  return v;
}

/** The fields every event has; checks the body's room against the destination's. */
function base(body: unknown, roomId: string): { o: Obj; id: string; ts: number; type: string } {
  if (!isObj(body)) throw new Invalid('body is not a JSON object');
  const id = eventId(body, 'id');
  if (body.roomId !== roomId) throw new Invalid(`"roomId" ${JSON.stringify(body.roomId)} does not match the destination's room ${roomId}`);
  const type = body.type;
  if (typeof type !== 'string') throw new Invalid('"type" must be a string');
  return { o: body, id, ts: integer(body, 'ts'), type };
}

const LOGIN = /^[^\s\p{Cc}]{1,128}$/u;

function attachment(value: unknown, i: number): Attachment {
  if (!isObj(value)) throw new Invalid(`attachment ${i} is not an object`);
  const url = text(value, 'url', CHAT_LIMITS.attachmentUrl);
  if (!/^(https:\/\/|\/(?!\/))/.test(url)) throw new Invalid(`attachment ${i}: "url" must be https: or a same-origin path`);
  const out: Attachment = {
    url,
    name: text(value, 'name', CHAT_LIMITS.attachmentName),
    size: integer(value, 'size'),
    type: text(value, 'type', CHAT_LIMITS.attachmentType),
  };
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(out.type)) throw new Invalid(`attachment ${i}: "type" is not a media type`);
  if (value.width !== undefined) out.width = integer(value, 'width');
  if (value.height !== undefined) out.height = integer(value, 'height');
  return out;
}

function messageCreated(o: Obj, head: Pick<MessageCreatedEvent, 'id' | 'roomId' | 'ts' | 'type'>): MessageCreatedEvent {
  const event: MessageCreatedEvent = { ...head, text: text(o, 'text', CHAT_LIMITS.text, { allowEmpty: true }) };
  if (o.parentId !== undefined) event.parentId = eventId(o, 'parentId');
  if (o.alsoInRoom !== undefined) {
    if (typeof o.alsoInRoom !== 'boolean') throw new Invalid('"alsoInRoom" must be a boolean');
    if (o.alsoInRoom) event.alsoInRoom = true;
  }
  if (o.mentions !== undefined) {
    const m = o.mentions;
    if (!Array.isArray(m) || m.length > CHAT_LIMITS.mentions || !m.every((u): u is string => typeof u === 'string' && LOGIN.test(u))) {
      throw new Invalid(`"mentions" must be at most ${CHAT_LIMITS.mentions} user ids`);
    }
    if (m.length > 0) event.mentions = [...new Set(m)];
  }
  if (o.attachments !== undefined) {
    const a = o.attachments;
    if (!Array.isArray(a) || a.length > CHAT_LIMITS.attachments) throw new Invalid(`"attachments" must be at most ${CHAT_LIMITS.attachments} files`);
    if (a.length > 0) event.attachments = a.map(attachment);
  }
  if (event.text.trim() === '' && !event.attachments) throw new Invalid('"text" must not be empty');
  return event;
}

/** Narrow a body to a room event (throws `Invalid`). */
export function toRoomEvent(body: unknown, roomId: string): RoomEvent {
  const { o, id, ts, type } = base(body, roomId);
  switch (type) {
    case 'message.created':
      return messageCreated(o, { id, roomId, ts, type });
    case 'message.edited':
      return { id, roomId, ts, type, messageId: eventId(o, 'messageId'), text: text(o, 'text', CHAT_LIMITS.text) };
    case 'message.deleted':
      return { id, roomId, ts, type, messageId: eventId(o, 'messageId') };
    case 'reaction.added':
    case 'reaction.removed':
      return { id, roomId, ts, type, messageId: eventId(o, 'messageId'), emoji: emoji(o) };
    case 'read':
      return { id, roomId, ts, type, messageId: eventId(o, 'messageId'), offset: integer(o, 'offset') };
    default:
      throw new Invalid(`unknown room event type ${JSON.stringify(type).slice(0, 40)}`);
  }
}

/** Narrow a body to a directory event (throws `Invalid`). */
export function toDirectoryEvent(body: unknown): DirectoryEvent {
  if (!isObj(body) || !isRoomId(body.roomId)) throw new Invalid('"roomId" must be a valid room id');
  const { o, id, ts, type } = base(body, body.roomId);
  const roomId = body.roomId;
  if (type === 'room.created') {
    const topic = optionalText(o, 'topic', CHAT_LIMITS.roomTopic);
    const event: DirectoryEvent = { id, roomId, ts, type, name: text(o, 'name', CHAT_LIMITS.roomName) };
    if (topic !== undefined) event.topic = topic;
    return event;
  }
  if (type === 'room.updated') {
    const event: DirectoryEvent = { id, roomId, ts, type };
    const name = o.name === undefined ? undefined : text(o, 'name', CHAT_LIMITS.roomName);
    const topic = optionalText(o, 'topic', CHAT_LIMITS.roomTopic);
    if (name !== undefined) event.name = name;
    if (topic !== undefined) event.topic = topic;
    return event;
  }
  if (type === 'room.ready') return { id, roomId, ts, type };
  throw new Invalid(`unknown directory event type ${JSON.stringify(type).slice(0, 40)}`);
}

function author(message: IncomingMessage): string {
  const user = message.headers[USER_ID_HEADER];
  if (user === undefined || user === '') throw new Invalid('no user-id header: the sender is unknown');
  if (user.length > CHAT_LIMITS.userId || /\p{Cc}/u.test(user)) throw new Invalid('user-id header is not a valid user id');
  return user;
}

function streamOffset(message: IncomingMessage): number {
  const raw = message.headers[STREAM_OFFSET_HEADER];
  if (raw === undefined || !/^\d{1,15}$/.test(raw)) throw new Invalid(`missing or invalid ${STREAM_OFFSET_HEADER} header`);
  return Number(raw);
}

function bodyOf(message: IncomingMessage): unknown {
  if (message.json !== undefined) return message.json;
  try {
    return JSON.parse(message.body);
  } catch {
    throw new Invalid('body is not JSON');
  }
}

function roomOf(destination: string, prefix: string): string {
  const roomId = destination.startsWith(prefix) ? destination.slice(prefix.length) : '';
  if (!isRoomId(roomId)) throw new Invalid(`not a chat destination: ${destination.slice(0, 80)}`);
  return roomId;
}

function run<T>(message: IncomingMessage, fallbackDestination: string, parse: (destination: string) => T): Validated<T> {
  const destination = message.destination || fallbackDestination;
  try {
    return { ok: true, value: parse(destination) };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return {
      ok: false,
      error: new ChatError('invalid-event', `dropped an invalid frame from ${destination}: ${error.message}`, {
        destination,
        messageId: message.messageId,
      }),
    };
  }
}

/**
 * Validate a MESSAGE from a room stream. `destination` is the one we
 * subscribed to (brokers echo it on MESSAGE; we trust ours if they differ).
 */
export function validateRoomMessage(message: IncomingMessage, destination: string, brokerStampsTime = false): Validated<RoomEnvelope> {
  return run(message, destination, () => {
    const roomId = roomOf(destination, ROOM_PREFIX);
    const offset = streamOffset(message);
    const envelope: RoomEnvelope = { event: toRoomEvent(bodyOf(message), roomId), author: author(message), offset };
    // A broker that checks only the exchange on publish (RabbitMQ's `/amq/queue/`) lets anyone write into a DM: members only count.
    const members = directMessageMembers(roomId);
    if (members && !members.includes(envelope.author)) throw new Invalid(`${envelope.author} is not a member of ${roomId}`);
    const time = brokerStampsTime ? message.headers[BROKER_TIME_HEADER] : undefined;
    if (time !== undefined && /^\d{1,15}$/.test(time)) envelope.brokerTs = Number(time);
    return envelope;
  });
}

/** Whether the broker of `session` stamps its own time on stream messages (the dev broker does). */
export function brokerStampsTime(serverHeader: string | undefined): boolean {
  return serverHeader?.startsWith('stompkit/') === true;
}

/** Validate a MESSAGE from the room directory stream. */
export function validateDirectoryMessage(message: IncomingMessage): Validated<DirectoryEnvelope> {
  return run(message, DIRECTORY_DESTINATION, () => {
    const offset = streamOffset(message);
    return { event: toDirectoryEvent(bodyOf(message)), author: author(message), offset };
  });
}

/**
 * Validate a MESSAGE from `me`'s inbox: a direct message whose id matches its
 * members, started by one of them, with `me` among them (anyone may write to
 * an inbox, so nothing else is believed).
 */
export function validateInboxMessage(message: IncomingMessage, me: string): Validated<InboxEnvelope> {
  return run(message, inboxDestination(me), () => {
    const offset = streamOffset(message);
    const from = author(message);
    const body = bodyOf(message);
    if (!isObj(body) || !isRoomId(body.roomId)) throw new Invalid('"roomId" must be a valid room id');
    const { o, id, ts, type } = base(body, body.roomId);
    if (type !== 'dm.started') throw new Invalid(`unknown inbox event type ${JSON.stringify(type).slice(0, 40)}`);
    const members = o.members;
    if (!Array.isArray(members) || !members.every((m): m is string => typeof m === 'string')) throw new Invalid('"members" must be logins');
    let roomId: string;
    try {
      roomId = directMessageId(members);
    } catch (error) {
      throw new Invalid(`"members": ${(error as Error).message}`);
    }
    if (roomId !== body.roomId) throw new Invalid(`"roomId" ${body.roomId} is not the direct message of its members`);
    if (!members.includes(from)) throw new Invalid(`${from} announced a direct message without being in it`);
    if (!members.includes(me)) throw new Invalid(`a direct message without ${me} in ${me}'s inbox`);
    return { event: { id, type, roomId, ts, members: [...members].sort() }, author: from, offset };
  });
}

/** Validate a MESSAGE from a typing topic. */
export function validateTypingMessage(message: IncomingMessage, destination: string): Validated<TypingEnvelope> {
  return run(message, destination, () => {
    const roomId = roomOf(destination, TYPING_PREFIX);
    const { id, ts, type } = base(bodyOf(message), roomId);
    if (type !== 'typing.start' && type !== 'typing.stop') throw new Invalid(`unknown typing signal ${JSON.stringify(type).slice(0, 40)}`);
    return { event: { id, roomId, ts, type }, author: author(message), offset: null };
  });
}

/** Validate a MESSAGE from a presence topic. */
export function validatePresenceMessage(message: IncomingMessage, destination: string): Validated<PresenceEnvelope> {
  return run(message, destination, () => {
    const roomId = roomOf(destination, PRESENCE_PREFIX);
    const { o, id, ts, type } = base(bodyOf(message), roomId);
    if (type !== 'presence.join' && type !== 'presence.heartbeat' && type !== 'presence.leave') {
      throw new Invalid(`unknown presence signal ${JSON.stringify(type).slice(0, 40)}`);
    }
    return { event: { id, roomId, ts, type, ttl: integer(o, 'ttl') }, author: author(message), offset: null };
  });
}

/**
 * The chat message an outbox entry carries, validated like an incoming event
 * (storage may hold anything: another version's entries, a tampered value).
 * `null` when the entry is not a `message.created` to a room stream (read
 * markers, reactions, other destinations); an error when it claims to be one
 * but does not fit, or its event id is not the entry's id (`stompkit-id`).
 */
export function validateQueuedMessage(entry: OutboxEntry): Validated<MessageCreatedEvent> | null {
  // Sent to `/amq/queue/…` when a room directory service keeps the rooms (room-directory.ts).
  const destination = typeof entry.destination === 'string' ? entry.destination.replace(/^\/amq(?=\/queue\/)/, '') : '';
  if (entry.binary || !destination.startsWith(ROOM_PREFIX)) return null;
  try {
    const roomId = roomOf(destination, ROOM_PREFIX);
    let body: unknown;
    try {
      body = JSON.parse(entry.body);
    } catch {
      throw new Invalid('body is not JSON');
    }
    if (!isObj(body) || body.type !== 'message.created') return null;
    const event = toRoomEvent(body, roomId);
    if (event.type !== 'message.created') return null;
    if (event.id !== entry.id) throw new Invalid(`event id ${event.id} is not the entry's id ${String(entry.id).slice(0, 40)}`);
    return { ok: true, value: event };
  } catch (error) {
    if (!(error instanceof Invalid)) throw error;
    return {
      ok: false,
      error: new ChatError('invalid-event', `ignored an invalid queued message in the outbox: ${error.message}`, { destination: entry.destination }),
    };
  }
}

/**
 * How many chat messages (`message.created`, not read markers or reactions)
 * wait in an outbox: queued or in flight, like `SessionState.pending`.
 */
export function countQueuedMessages(outbox: readonly OutboxEntry[]): number {
  let count = 0;
  for (const entry of outbox) {
    if ((entry.status === 'queued' || entry.status === 'sent') && validateQueuedMessage(entry)?.ok) count += 1;
  }
  return count;
}
