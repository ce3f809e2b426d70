/**
 * Direct messages: ids named by their members, inbox announcements that are
 * believed only from a member and only with the reader among the members.
 */
import { directMessageId, directMessageMembers, isRoomId } from '../../src/chat/protocol';
import { createChatStore } from '../../src/chat/store';
import { validateInboxMessage, validateRoomMessage } from '../../src/chat/validate';
import type { IncomingMessage } from '../../src/core/types';

function incoming(destination: string, body: unknown, author: string, offset = 0): IncomingMessage {
  const text = JSON.stringify(body);
  return {
    destination,
    headers: { destination, 'user-id': author, 'x-stream-offset': String(offset) },
    body: text,
    binaryBody: new TextEncoder().encode(text),
    messageId: `m-${offset}`,
    ack: () => undefined,
    nack: () => undefined,
  } as unknown as IncomingMessage;
}

const started = (roomId: string, members: string[], id = 'e1') => ({ id, type: 'dm.started', roomId, ts: 1, members });

describe('direct message ids', () => {
  test('members sorted and deduplicated; 2-8 logins of a-z 0-9 _ -', () => {
    expect(directMessageId(['bob', 'alice', 'bob'])).toBe('dm.alice.bob');
    expect(isRoomId('dm.alice.bob')).toBe(true);
    expect(directMessageMembers('dm.alice.bob')).toEqual(['alice', 'bob']);
    expect(directMessageMembers('general')).toBeNull();
    expect(() => directMessageId(['alice'])).toThrow(/2-8 members/);
    expect(() => directMessageId(['alice', 'Bob.Smith'])).toThrow(/cannot be in a direct message/);
  });
});

describe('inbox announcements', () => {
  test('one from a member, naming me, is a direct message; the store lists it once', () => {
    const result = validateInboxMessage(incoming('/queue/user.bob.inbox', started('dm.alice.bob', ['bob', 'alice']), 'alice'), 'bob');
    expect(result.ok && result.value.event.members).toEqual(['alice', 'bob']);
    const store = createChatStore({ schedule: () => undefined });
    if (!result.ok) throw result.error;
    store.receiveAll([{ kind: 'inbox', envelope: result.value }, { kind: 'inbox', envelope: { ...result.value, offset: 1 } }]);
    store.flush();
    expect(store.getState().directMessages).toEqual([{ id: 'dm.alice.bob', name: 'alice, bob', members: ['alice', 'bob'], createdBy: 'alice', createdAt: 1 }]);
  });

  test.each([
    ['from someone not in it', started('dm.alice.bob', ['alice', 'bob']), 'mallory', /without being in it/],
    ['without me in it', started('dm.alice.carol', ['alice', 'carol']), 'alice', /without bob/],
    ['whose id does not match its members', started('dm.alice.bob', ['alice', 'bob', 'carol']), 'alice', /not the direct message of its members/],
    ['of an unknown type', { ...started('dm.alice.bob', ['alice', 'bob']), type: 'dm.hijacked' }, 'alice', /unknown inbox event/],
  ])('one %s is dropped', (_what, body, author, message) => {
    const result = validateInboxMessage(incoming('/queue/user.bob.inbox', body, author), 'bob');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(message);
  });

  test("a message in a direct message from someone not in it is dropped (a broker may let them write)", () => {
    const body = { id: 'x1', type: 'message.created', roomId: 'dm.alice.bob', ts: 1, text: 'hi' };
    expect(validateRoomMessage(incoming('/queue/chat.room.dm.alice.bob', body, 'alice'), '/queue/chat.room.dm.alice.bob').ok).toBe(true);
    const intruder = validateRoomMessage(incoming('/queue/chat.room.dm.alice.bob', body, 'mallory'), '/queue/chat.room.dm.alice.bob');
    expect(!intruder.ok && intruder.error.message).toMatch(/mallory is not a member/);
  });
});
