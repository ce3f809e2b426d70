import { createChatStore, type ChatStore } from '../../src/chat/store';
import type { Incoming } from '../../src/chat/state';
import type { RoomEvent } from '../../src/chat/protocol';
import type { ChatError } from '../../src/chat/protocol';

const ROOM = 'general';

/** The type-specific fields of an event (the helper adds type, roomId and ts). */
type Body = { id: string } & Record<string, unknown>;

function room(type: RoomEvent['type'], body: Body, author: string, offset: number, roomId = ROOM): Incoming {
  const event = { type, roomId, ts: 1000 + offset, ...body } as unknown as RoomEvent;
  return { kind: 'room', envelope: { event, author, offset } };
}
const msg = (id: string, text: string, author: string, offset: number, roomId = ROOM) => room('message.created', { id, text }, author, offset, roomId);

/** A store whose batches run only when the test says so, with a clock the test moves. */
function setup(options: { maxClosedRoomMessages?: number } = {}) {
  let time = 10_000;
  const queued: (() => void)[] = [];
  const errors: ChatError[] = [];
  const store = createChatStore({
    now: () => time,
    typingTtl: 5000,
    schedule: (flush) => queued.push(flush),
    onError: (e) => errors.push(e),
    ...options,
  });
  store.setMe('me');
  store.setOpen(ROOM, true);
  return {
    store,
    errors,
    tick: () => queued.splice(0).forEach((f) => f()),
    advance: (ms: number) => (time += ms),
    get now() {
      return time;
    },
  };
}

const texts = (store: ChatStore, roomId = ROOM) => (store.getState().timelines[roomId]?.messages ?? []).map((m) => m.text);

describe('ordering and dedupe', () => {
  test('messages are kept in stream order whatever the arrival order', () => {
    const { store } = setup();
    store.receiveAll([msg('c', 'third', 'bob', 30), msg('a', 'first', 'bob', 10)]);
    store.flush();
    store.receive(msg('b', 'second', 'bob', 20));
    store.flush();
    expect(texts(store)).toEqual(['first', 'second', 'third']);
    expect(store.getState().timelines[ROOM]?.history).toMatchObject({ oldestOffset: 10, newestOffset: 30, hasOlder: true });
  });

  test('a resend or a replay (same event id) shows once', () => {
    const { store } = setup();
    store.receiveAll([msg('a', 'hello', 'bob', 1), msg('a', 'hello', 'bob', 2), msg('a', 'hello', 'bob', 1)]);
    store.flush();
    store.receive(msg('a', 'hello', 'bob', 1));
    store.flush();
    expect(texts(store)).toEqual(['hello']);
    expect(store.getState().timelines[ROOM]?.messages[0].offset).toBe(1);
  });

  test('a resend shows at its first copy in the stream, even when a later copy arrived first', () => {
    const { store } = setup();
    // A follower resumed from `last` sees d1's resent copy (12) before a history page brings d2 (11) and d1's first copy (10).
    store.receive(msg('d1', 'one', 'bob', 12));
    store.flush();
    store.receiveAll([msg('d2', 'two', 'bob', 11), msg('d1', 'one', 'bob', 10)]);
    store.flush();
    expect(texts(store)).toEqual(['one', 'two']);
    expect(store.getState().timelines[ROOM]?.messages.map((m) => m.offset)).toEqual([10, 11]);
  });

  test('unchanged messages keep their object identity; an unchanged room keeps its array', () => {
    const { store } = setup();
    store.receiveAll([msg('a', 'one', 'bob', 1), msg('b', 'two', 'bob', 2)]);
    store.flush();
    const [a, b] = store.getState().timelines[ROOM]!.messages;
    store.receive(room('reaction.added', { id: 'r', messageId: 'b', emoji: '🎉' }, 'bob', 3));
    store.receive(msg('x', 'elsewhere', 'bob', 1, 'other'));
    store.flush();
    const after = store.getState().timelines[ROOM]!.messages;
    expect(after[0]).toBe(a);
    expect(after[1]).not.toBe(b);
    const before = store.getState().timelines[ROOM]!.messages;
    store.receive(msg('y', 'elsewhere 2', 'bob', 2, 'other'));
    store.flush();
    expect(store.getState().timelines[ROOM]!.messages).toBe(before);
  });
});

describe('edits, deletes, reactions', () => {
  test('the latest edit by the author wins, whatever order they arrive in', () => {
    const { store } = setup();
    store.receiveAll([
      room('message.edited', { id: 'e2', messageId: 'a', text: 'v3' }, 'bob', 5),
      msg('a', 'v1', 'bob', 1),
      room('message.edited', { id: 'e1', messageId: 'a', text: 'v2' }, 'bob', 3),
    ]);
    store.flush();
    expect(store.getState().timelines[ROOM]?.messages[0]).toMatchObject({ text: 'v3', editedAt: 1005 });
  });

  test("an edit or delete of someone else's message is dropped and reported", () => {
    const { store, errors } = setup();
    store.receive(msg('a', 'mine', 'bob', 1));
    store.flush();
    store.receiveAll([
      room('message.edited', { id: 'e', messageId: 'a', text: 'forged' }, 'mallory', 2),
      room('message.deleted', { id: 'd', messageId: 'a' }, 'mallory', 3),
    ]);
    store.flush();
    expect(store.getState().timelines[ROOM]?.messages[0]).toMatchObject({ text: 'mine', deleted: false });
    expect(errors.map((e) => e.code)).toEqual(['not-author', 'not-author']);
  });

  test('a forged edit seen before its message (paging) is never applied', () => {
    const { store } = setup();
    store.receive(room('message.edited', { id: 'e', messageId: 'a', text: 'forged' }, 'mallory', 9));
    store.flush();
    store.receive(msg('a', 'real', 'bob', 1));
    store.flush();
    expect(texts(store)).toEqual(['real']);
  });

  test('delete empties the message, drops its reactions and its unread count', () => {
    const { store } = setup();
    store.receiveAll([msg('a', 'oops', 'bob', 1), room('reaction.added', { id: 'r', messageId: 'a', emoji: '👍' }, 'me', 2)]);
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(1);
    store.receive(room('message.deleted', { id: 'd', messageId: 'a' }, 'bob', 3));
    store.flush();
    expect(store.getState().timelines[ROOM]?.messages[0]).toMatchObject({ text: '', deleted: true, reactions: [] });
    expect(store.getState().unread[ROOM]).toBe(0);
  });

  test('reactions are counted per emoji with "mine", add/remove by offset', () => {
    const { store } = setup();
    store.receiveAll([
      msg('a', 'hi', 'bob', 1),
      room('reaction.added', { id: 'r1', messageId: 'a', emoji: '👍' }, 'bob', 2),
      room('reaction.added', { id: 'r2', messageId: 'a', emoji: '👍' }, 'me', 3),
      room('reaction.added', { id: 'r3', messageId: 'a', emoji: '🎉' }, 'carol', 4),
      // An older remove arriving late does not undo a newer add.
      room('reaction.removed', { id: 'r0', messageId: 'a', emoji: '🎉' }, 'carol', 1),
    ]);
    store.flush();
    expect(store.getState().timelines[ROOM]?.messages[0].reactions).toEqual([
      { emoji: '👍', count: 2, mine: true, users: ['bob', 'me'] },
      { emoji: '🎉', count: 1, mine: false, users: ['carol'] },
    ]);
    store.receive(room('reaction.removed', { id: 'r4', messageId: 'a', emoji: '👍' }, 'me', 5));
    store.flush();
    expect(store.getState().timelines[ROOM]?.messages[0].reactions[0]).toEqual({ emoji: '👍', count: 1, mine: false, users: ['bob'] });
  });
});

describe('read markers and unread', () => {
  test('a room whose newest message the user sees counts nothing unread (no badge between a message and its read marker)', () => {
    const { store } = setup();
    store.setReading(ROOM, true);
    store.receive(msg('a', 'hi', 'bob', 1));
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(0);
    store.setReading(ROOM, false); // scrolled up, or the tab is hidden, before the marker went out
    expect(store.getState().unread[ROOM]).toBe(1);
  });

  test('unread counts messages from others after my read marker', () => {
    const { store } = setup();
    store.receiveAll([msg('a', '1', 'bob', 1), msg('b', '2', 'me', 2), msg('c', '3', 'bob', 3), msg('d', '4', 'carol', 4)]);
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(3);
    store.receive(room('read', { id: 'rd', messageId: 'c', offset: 3 }, 'me', 5));
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(1);
    // Someone else's marker does not change mine; an older marker of mine does not move it back.
    store.receiveAll([room('read', { id: 'rb', messageId: 'd', offset: 4 }, 'bob', 6), room('read', { id: 'old', messageId: 'a', offset: 1 }, 'me', 7)]);
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(1);
    expect(store.getState().timelines[ROOM]?.readMarkers).toMatchObject({ me: { offset: 3 }, bob: { offset: 4, messageId: 'd' } });
  });

  test('without my read marker, only messages after where I joined count; the marker wins once known', () => {
    const { store } = setup();
    store.setHistory(ROOM, { followedFrom: 4 });
    store.receiveAll([msg('old', 'paged in', 'bob', 2), msg('a', 'joined here', 'bob', 5), msg('b', 'new', 'bob', 6)]);
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(2);
    store.receive(room('read', { id: 'rd', messageId: 'old', offset: 1 }, 'me', 7));
    store.flush();
    expect(store.getState().unread[ROOM]).toBe(3);
  });

  test('a local read applies at once', () => {
    const { store } = setup();
    store.receiveAll([msg('a', '1', 'bob', 1), msg('b', '2', 'bob', 2)]);
    store.flush();
    store.markReadLocal(ROOM, { userId: 'me', messageId: 'b', offset: 2 });
    expect(store.getState().unread[ROOM]).toBe(0);
  });
});

describe('local sends', () => {
  test('pending → sent on receipt, replaced once by the stream echo', () => {
    const { store } = setup();
    store.addPending(ROOM, { id: 'x', text: 'hello', createdAt: 5 });
    expect(store.getState().timelines[ROOM]?.messages).toEqual([
      expect.objectContaining({ id: 'x', status: 'pending', offset: null, mine: true, authorId: 'me' }),
    ]);
    store.markSent(ROOM, 'x');
    expect(store.getState().timelines[ROOM]?.messages[0].status).toBe('sent');
    store.receive(msg('x', 'hello', 'me', 4));
    store.flush();
    expect(store.getState().timelines[ROOM]?.messages).toEqual([expect.objectContaining({ id: 'x', status: 'sent', offset: 4 })]);
    // A late receipt after the echo changes nothing.
    const before = store.getState();
    store.markSent(ROOM, 'x');
    expect(store.getState()).toBe(before);
  });

  test('failed → retry → sent; discard forgets', () => {
    const { store } = setup();
    store.addPending(ROOM, { id: 'x', text: 'a', createdAt: 1 });
    store.addPending(ROOM, { id: 'y', text: 'b', createdAt: 2 });
    store.markFailed(ROOM, 'x', 'receipt timeout');
    expect(store.getState().timelines[ROOM]?.messages[0]).toMatchObject({ status: 'failed', error: 'receipt timeout' });
    store.markPending(ROOM, 'x');
    expect(store.getState().timelines[ROOM]?.messages[0]).toMatchObject({ status: 'pending' });
    expect(store.getState().timelines[ROOM]?.messages[0].error).toBeUndefined();
    store.markSent(ROOM, 'x');
    expect(store.getState().timelines[ROOM]?.messages[0].status).toBe('sent');
    store.discard(ROOM, 'y');
    expect(texts(store)).toEqual(['a']);
  });

  test('local sends stay after stream messages', () => {
    const { store } = setup();
    store.addPending(ROOM, { id: 'x', text: 'mine', createdAt: 1 });
    store.receive(msg('a', 'theirs', 'bob', 1));
    store.flush();
    expect(texts(store)).toEqual(['theirs', 'mine']);
  });
});

describe('presence and typing expiry', () => {
  const presence = (type: 'presence.join' | 'presence.heartbeat' | 'presence.leave', author: string, ttl = 3000): Incoming => ({
    kind: 'presence',
    envelope: { event: { id: `p-${Math.random()}`, type, roomId: ROOM, ts: 0, ttl }, author, offset: null },
  });
  const typing = (type: 'typing.start' | 'typing.stop', author: string): Incoming => ({
    kind: 'typing',
    envelope: { event: { id: `t-${Math.random()}`, type, roomId: ROOM, ts: 0 }, author, offset: null },
  });

  test('peers expire after their TTL unless a heartbeat renews them; leave removes at once', () => {
    const t = setup();
    t.store.receiveAll([presence('presence.join', 'bob'), presence('presence.join', 'alice', 6000), presence('presence.join', 'carol')]);
    t.store.flush();
    expect(t.store.getState().presence[ROOM]?.map((p) => p.userId)).toEqual(['alice', 'bob', 'carol']);
    t.advance(2000);
    t.store.receiveAll([presence('presence.heartbeat', 'bob'), presence('presence.leave', 'carol')]);
    t.store.flush();
    expect(t.store.getState().presence[ROOM]?.map((p) => p.userId)).toEqual(['alice', 'bob']);
    t.advance(1500); // 3.5 s after alice's join (ttl 6 s), 1.5 s after bob's heartbeat
    expect(t.store.expire()).toBe(t.now + 1500);
    expect(t.store.getState().presence[ROOM]?.map((p) => p.userId)).toEqual(['alice', 'bob']);
    t.advance(1600);
    t.store.expire();
    expect(t.store.getState().presence[ROOM]?.map((p) => p.userId)).toEqual(['alice']);
    t.advance(3000);
    expect(t.store.expire()).toBeNull();
    expect(t.store.getState().presence[ROOM]).toEqual([]);
  });

  test('typing expires, stops on stop or on a message from that user, and never shows me', () => {
    const t = setup();
    t.store.receiveAll([typing('typing.start', 'bob'), typing('typing.start', 'carol'), typing('typing.start', 'me')]);
    t.store.flush();
    expect(t.store.getState().typing[ROOM]?.map((p) => p.userId)).toEqual(['bob', 'carol']);
    t.store.receive(msg('a', 'done', 'bob', 1));
    t.store.flush();
    expect(t.store.getState().typing[ROOM]?.map((p) => p.userId)).toEqual(['carol']);
    t.advance(5001);
    t.store.expire();
    expect(t.store.getState().typing[ROOM]).toEqual([]);
    t.store.receiveAll([typing('typing.start', 'dave'), typing('typing.stop', 'dave')]);
    t.store.flush();
    expect(t.store.getState().typing[ROOM]).toEqual([]);
  });
});

describe('batching and caps', () => {
  test('a 1,000-message burst is one store update per scheduled batch', () => {
    const t = setup();
    let updates = 0;
    t.store.subscribe(() => updates++);
    for (let i = 0; i < 1000; i++) t.store.receive(msg(`m${i}`, `text ${i}`, 'bob', i));
    expect(updates).toBe(0); // nothing until the frame
    t.tick();
    expect(updates).toBe(1);
    expect(t.store.batches).toBe(1);
    expect(t.store.getState().timelines[ROOM]?.messages).toHaveLength(1000);
    expect(t.store.getState().unread[ROOM]).toBe(1000);
  });

  test('without requestAnimationFrame the batch runs in a microtask', async () => {
    const store = createChatStore();
    store.receive(msg('a', 'x', 'bob', 0));
    store.receive(msg('b', 'y', 'bob', 1));
    expect(store.getState().timelines[ROOM]).toBeUndefined();
    await Promise.resolve();
    expect(texts(store)).toEqual(['x', 'y']);
    expect(store.batches).toBe(1);
  });

  test('a room no view has open keeps only the newest messages; paging back reads the rest again', () => {
    const t = setup({ maxClosedRoomMessages: 3 });
    t.store.receiveAll(Array.from({ length: 10 }, (_, i) => msg(`m${i}`, `${i}`, 'bob', i)));
    t.store.flush();
    expect(texts(t.store)).toHaveLength(10);
    t.store.setOpen(ROOM, false);
    expect(texts(t.store)).toEqual(['7', '8', '9']);
    expect(t.store.getState().timelines[ROOM]?.history).toMatchObject({ oldestOffset: 7, hasOlder: true });
    // The dropped ids are forgotten, so a page read back is applied again.
    t.store.setOpen(ROOM, true);
    t.store.receiveAll([msg('m5', '5', 'bob', 5), msg('m6', '6', 'bob', 6)]);
    t.store.flush();
    expect(texts(t.store)).toEqual(['5', '6', '7', '8', '9']);
  });

  test('rooms are folded from the directory; only the creator updates', () => {
    const { store, errors } = setup();
    const dir = (event: Record<string, unknown>, author: string, offset: number): Incoming =>
      ({ kind: 'directory', envelope: { event: { ts: 1, ...event }, author, offset } }) as Incoming;
    store.receiveAll([
      dir({ id: 'd1', type: 'room.created', roomId: 'general', name: 'General' }, 'alice', 0),
      dir({ id: 'd2', type: 'room.created', roomId: 'general', name: 'Hijack' }, 'mallory', 1),
      dir({ id: 'd3', type: 'room.updated', roomId: 'general', name: 'Nope' }, 'mallory', 2),
      dir({ id: 'd4', type: 'room.updated', roomId: 'general', topic: 'Chit-chat' }, 'alice', 3),
    ]);
    store.flush();
    expect(store.getState().rooms).toEqual([{ id: 'general', name: 'General', topic: 'Chit-chat', createdBy: 'alice', createdAt: 1 }]);
    expect(errors.map((e) => e.code)).toEqual(['not-author']);
  });
});
