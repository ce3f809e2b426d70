import type { IncomingMessage } from '../../src/core/types';
import {
  assertRoomId,
  chatDestinations,
  ChatError,
  isRoomId,
  newEventId,
  roomEventFrame,
  streamSubscribeHeaders,
  typingFrame,
  presenceFrame,
  directoryEventFrame,
  STREAM_DECLARATION,
  EVENT_ID_PATTERN,
} from '../../src/chat/protocol';
import {
  brokerStampsTime,
  validateDirectoryMessage,
  validatePresenceMessage,
  validateRoomMessage,
  validateTypingMessage,
} from '../../src/chat/validate';

function message(destination: string, body: unknown, headers: Record<string, string> = {}): IncomingMessage {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    destination,
    headers: { destination, 'content-type': 'application/json', 'message-id': 'm-1', ...headers },
    body: text,
    binaryBody: new TextEncoder().encode(text),
    json: undefined,
    messageId: 'm-1',
    ack: () => undefined,
    nack: () => undefined,
  };
}

const ROOM = '/queue/chat.room.general';
const created = { id: 'e1', type: 'message.created', roomId: 'general', ts: 1000, text: 'hi' };

describe('room ids and destinations', () => {
  test('only the safe character set is a room id', () => {
    for (const ok of ['general', 'a', 'room-1_b', '0abc', 'a'.repeat(64)]) expect(isRoomId(ok)).toBe(true);
    for (const bad of ['', 'General', '-a', '_a', 'a.b', 'a/b', 'a b', 'a#', '*', 'a'.repeat(65), 'é', 7, null]) {
      expect(isRoomId(bad)).toBe(false);
    }
    expect(() => assertRoomId('a.b')).toThrow(/invalid room id "a.b"/);
  });

  test('destinations per room, refusing bad ids', () => {
    expect(chatDestinations.room('general')).toBe('/queue/chat.room.general');
    expect(chatDestinations.typing('general')).toBe('/topic/chat.typing.general');
    expect(chatDestinations.presence('general')).toBe('/topic/chat.presence.general');
    expect(chatDestinations.directory).toBe('/queue/chat.rooms');
    expect(() => chatDestinations.room('x.#')).toThrow(TypeError);
  });
});

describe('frames', () => {
  test('stream SUBSCRIBE headers: declaration, ack:client, prefetch, offset', () => {
    expect(streamSubscribeHeaders('last', 50)).toEqual({
      'x-queue-type': 'stream',
      durable: 'true',
      'auto-delete': 'false',
      ack: 'client',
      'prefetch-count': '50',
      'x-stream-offset': 'last',
    });
    expect(streamSubscribeHeaders({ offset: 42 })['x-stream-offset']).toBe('offset=42');
    expect(streamSubscribeHeaders({ timestamp: 1_700_000_000_500 })['x-stream-offset']).toBe('timestamp=1700000000');
    expect(() => streamSubscribeHeaders({ offset: -1 })).toThrow(RangeError);
    expect(() => streamSubscribeHeaders('first', 0)).toThrow(RangeError);
  });

  test('room SEND repeats the stream declaration and names the sender', () => {
    const frame = roomEventFrame({ id: 'e1', type: 'message.created', roomId: 'general', ts: 1, text: 'hi' }, 'alice');
    expect(frame.destination).toBe(ROOM);
    expect(frame.headers).toEqual({ ...STREAM_DECLARATION, 'content-type': 'application/json', 'user-id': 'alice', 'stompkit-id': 'e1' });
    expect(JSON.parse(frame.body)).toEqual({ id: 'e1', type: 'message.created', roomId: 'general', ts: 1, text: 'hi' });
    expect(directoryEventFrame({ id: 'd', type: 'room.created', roomId: 'general', ts: 1, name: 'G' }, 'alice').headers['x-queue-type']).toBe('stream');
  });

  test('topic signals carry no stream declaration', () => {
    const t = typingFrame({ id: 't', type: 'typing.start', roomId: 'general', ts: 1 }, 'bob');
    expect(t.destination).toBe('/topic/chat.typing.general');
    expect(t.headers['x-queue-type']).toBeUndefined();
    expect(t.headers['user-id']).toBe('bob');
    const p = presenceFrame({ id: 'p', type: 'presence.join', roomId: 'general', ts: 1, ttl: 30000 }, 'bob');
    expect(p.destination).toBe('/topic/chat.presence.general');
  });

  test('no user, no send; bad room, no frame', () => {
    expect(() => roomEventFrame({ id: 'e1', type: 'message.created', roomId: 'general', ts: 1, text: 'x' }, '')).toThrow(/user id/);
    expect(() => roomEventFrame({ id: 'e1', type: 'message.created', roomId: 'Bad.Room', ts: 1, text: 'x' }, 'a')).toThrow(/invalid room id/);
  });

  test('event ids are unique and fit the id pattern', () => {
    const ids = new Set(Array.from({ length: 100 }, newEventId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(EVENT_ID_PATTERN);
  });
});

describe('validation of room events', () => {
  const ok = (body: unknown, headers: Record<string, string> = { 'user-id': 'alice', 'x-stream-offset': '7' }) =>
    validateRoomMessage(message(ROOM, body, headers), ROOM);

  test("the broker's time is taken from a broker that stamps it (the dev broker), never from another's", () => {
    const headers = { 'user-id': 'alice', 'x-stream-offset': '7', timestamp: '1700000000123' };
    const stamped = validateRoomMessage(message(ROOM, created, headers), ROOM, brokerStampsTime('stompkit/0.1.0'));
    expect(stamped.ok && stamped.value.brokerTs).toBe(1700000000123);
    const rabbit = validateRoomMessage(message(ROOM, created, headers), ROOM, brokerStampsTime('RabbitMQ/3.10.8'));
    expect(rabbit.ok && rabbit.value.brokerTs).toBeUndefined();
    const garbage = validateRoomMessage(message(ROOM, created, { ...headers, timestamp: 'soon' }), ROOM, true);
    expect(garbage.ok && garbage.value.brokerTs).toBeUndefined();
  });

  test('every room event type narrows, with author from user-id and the stream offset', () => {
    const bodies = [
      created,
      { id: 'e2', type: 'message.edited', roomId: 'general', ts: 1, messageId: 'e1', text: 'hey' },
      { id: 'e3', type: 'message.deleted', roomId: 'general', ts: 1, messageId: 'e1' },
      { id: 'e4', type: 'reaction.added', roomId: 'general', ts: 1, messageId: 'e1', emoji: '👍' },
      { id: 'e5', type: 'reaction.removed', roomId: 'general', ts: 1, messageId: 'e1', emoji: '👍' },
      { id: 'e6', type: 'read', roomId: 'general', ts: 1, messageId: 'e1', offset: 3 },
    ];
    for (const body of bodies) {
      const result = ok(body);
      expect(result).toEqual({ ok: true, value: { event: body, author: 'alice', offset: 7 } });
    }
  });

  test('extra body fields are not carried (an "author" in the body is ignored)', () => {
    const result = ok({ ...created, author: 'mallory', html: '<b>x</b>' });
    expect(result.ok && result.value).toEqual({ event: created, author: 'alice', offset: 7 });
  });

  test.each([
    ['not JSON', '{nope', /not JSON/],
    ['an array', [1, 2], /not a JSON object/],
    ['no id', { ...created, id: undefined }, /"id"/],
    ['an id with bad characters', { ...created, id: 'a b' }, /"id"/],
    ['another room', { ...created, roomId: 'other' }, /does not match/],
    ['an unknown type', { ...created, type: 'message.exploded' }, /unknown room event type/],
    ['empty text', { ...created, text: '   ' }, /must not be empty/],
    ['text too long', { ...created, text: 'x'.repeat(4001) }, /longer than 4000/],
    ['a text that is not a string', { ...created, text: 5 }, /"text" must be a string/],
    ['a bad timestamp', { ...created, ts: -1 }, /"ts"/],
    ['an emoji with spaces', { id: 'r', type: 'reaction.added', roomId: 'general', ts: 1, messageId: 'e1', emoji: 'a b' }, /emoji/],
    ['a read without offset', { id: 'r', type: 'read', roomId: 'general', ts: 1, messageId: 'e1' }, /"offset"/],
  ])('drops %s with a clear reason', (_name, body, reason) => {
    const result = ok(body);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(ChatError);
      expect(result.error.code).toBe('invalid-event');
      expect(result.error.message).toMatch(reason);
      expect(result.error.detail.destination).toBe(ROOM);
    }
  });

  test('no user-id header, or no stream offset: dropped', () => {
    expect(ok(created, { 'x-stream-offset': '1' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/no user-id/) } });
    expect(ok(created, { 'user-id': 'alice' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/x-stream-offset/) } });
    expect(ok(created, { 'user-id': 'alice', 'x-stream-offset': '-3' }).ok).toBe(false);
  });

  test('uses the pre-parsed JSON of the session when there is one', () => {
    const m = { ...message(ROOM, 'ignored', { 'user-id': 'a', 'x-stream-offset': '0' }), json: created };
    expect(validateRoomMessage(m, ROOM).ok).toBe(true);
  });
});

describe('validation of directory, typing and presence', () => {
  test('directory: room.created and room.updated', () => {
    const headers = { 'user-id': 'alice', 'x-stream-offset': '0' };
    const good = validateDirectoryMessage(message('/queue/chat.rooms', { id: 'd1', type: 'room.created', roomId: 'general', ts: 1, name: 'General' }, headers));
    expect(good).toMatchObject({ ok: true, value: { event: { name: 'General' }, author: 'alice' } });
    const bad = validateDirectoryMessage(message('/queue/chat.rooms', { id: 'd1', type: 'room.created', roomId: 'Bad.Id', ts: 1, name: 'x' }, headers));
    expect(bad.ok).toBe(false);
    const noName = validateDirectoryMessage(message('/queue/chat.rooms', { id: 'd1', type: 'room.created', roomId: 'ok', ts: 1 }, headers));
    expect(noName.ok).toBe(false);
  });

  test('typing and presence: topic signals without offsets', () => {
    const typing = '/topic/chat.typing.general';
    expect(validateTypingMessage(message(typing, { id: 't', type: 'typing.start', roomId: 'general', ts: 1 }, { 'user-id': 'bob' }), typing)).toMatchObject({
      ok: true,
      value: { author: 'bob', offset: null },
    });
    expect(validateTypingMessage(message(typing, { id: 't', type: 'presence.join', roomId: 'general', ts: 1 }, { 'user-id': 'bob' }), typing).ok).toBe(false);
    const presence = '/topic/chat.presence.general';
    expect(validatePresenceMessage(message(presence, { id: 'p', type: 'presence.join', roomId: 'general', ts: 1, ttl: 3000 }, { 'user-id': 'bob' }), presence).ok).toBe(true);
    expect(validatePresenceMessage(message(presence, { id: 'p', type: 'presence.join', roomId: 'general', ts: 1 }, { 'user-id': 'bob' }), presence).ok).toBe(false);
    // A signal for another room on this room's topic.
    expect(validatePresenceMessage(message(presence, { id: 'p', type: 'presence.join', roomId: 'other', ts: 1, ttl: 1 }, { 'user-id': 'bob' }), presence).ok).toBe(false);
  });
});
