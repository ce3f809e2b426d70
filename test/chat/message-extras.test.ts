/**
 * Threads, mentions and attachments: what a sender puts on a message, how a
 * reader validates it, and how the store folds it (replies per thread, a
 * summary on the thread's first message, mention counts).
 */
import { extrasFor, mentionsIn } from '../../src/chat/message-extras';
import { toRoomEvent } from '../../src/chat/validate';
import { createChatStore } from '../../src/chat/store';
import type { Incoming } from '../../src/chat/state';
import type { MessageExtras, RoomEvent } from '../../src/chat/protocol';

const ROOM = 'general';
const image = { url: 'https://cdn.example/a.png', name: 'a.png', size: 1234, type: 'image/png', width: 640, height: 480 };

describe('mentions in a text', () => {
  test('@login words, without trailing punctuation, once each', () => {
    expect(mentionsIn('hi @bob, and @carol! (@dave) @bob again')).toEqual(['bob', 'carol', 'dave']);
    expect(mentionsIn('mail me at me@example.com or @ alone')).toEqual([]);
  });

  test('extras from options and text; none when there are none', () => {
    expect(extrasFor('plain', {})).toBeUndefined();
    expect(extrasFor('hey @bob', { parentId: 'p1', alsoInRoom: true, attachments: [image] })).toEqual({
      parentId: 'p1',
      alsoInRoom: true,
      mentions: ['bob'],
      attachments: [image],
    });
    expect(() => extrasFor('x', { parentId: 'not an id' })).toThrow(/invalid parentId/);
    expect(() => extrasFor('x', { attachments: Array(11).fill(image) })).toThrow(/at most 10 files/);
  });
});

describe('validation of message extras', () => {
  const base = { id: 'm1', type: 'message.created', roomId: ROOM, ts: 1 };
  test('a reply with mentions and an image is accepted; an empty text needs an attachment', () => {
    expect(toRoomEvent({ ...base, text: '', parentId: 'p1', mentions: ['bob'], attachments: [image] }, ROOM)).toEqual({
      ...base,
      text: '',
      parentId: 'p1',
      mentions: ['bob'],
      attachments: [image],
    });
    expect(() => toRoomEvent({ ...base, text: '  ' }, ROOM)).toThrow(/must not be empty/);
  });

  test.each([
    [{ parentId: '../x' }, /parentId/],
    [{ alsoInRoom: 'yes' }, /alsoInRoom/],
    [{ mentions: 'bob' }, /mentions/],
    [{ mentions: ['has space'] }, /mentions/],
    [{ attachments: [{ ...image, url: 'javascript:alert(1)' }] }, /https: or a same-origin path/],
    [{ attachments: [{ ...image, url: '//evil.example/x' }] }, /https: or a same-origin path/],
    [{ attachments: [{ ...image, type: 'text/html; charset=x' }] }, /media type/],
    [{ attachments: [{ ...image, size: -1 }] }, /size/],
  ])('refuses %j', (extra, message) => {
    expect(() => toRoomEvent({ ...base, text: 'hi', ...extra }, ROOM)).toThrow(message);
  });
});

function created(id: string, author: string, offset: number, text: string, extras: MessageExtras = {}): Incoming {
  const event = { id, type: 'message.created', roomId: ROOM, ts: 1000 + offset, text, ...extras } as RoomEvent;
  return { kind: 'room', envelope: { event, author, offset } };
}
function deleted(id: string, messageId: string, author: string, offset: number): Incoming {
  const event = { id, type: 'message.deleted', roomId: ROOM, ts: 1000 + offset, messageId } as RoomEvent;
  return { kind: 'room', envelope: { event, author, offset } };
}

function setup() {
  const store = createChatStore({ schedule: () => undefined });
  store.setMe('me');
  store.setOpen(ROOM, true);
  const state = () => store.getState();
  const timeline = () => state().timelines[ROOM]!;
  return { store, state, timeline };
}

describe('threads in the store', () => {
  test('replies stay out of the room (unless also sent to it) and fill the thread; the first message counts them', () => {
    const { store, timeline } = setup();
    store.receiveAll([
      created('p', 'bob', 1, 'question'),
      created('r1', 'carol', 2, 'answer', { parentId: 'p' }),
      created('r2', 'dave', 3, 'louder answer', { parentId: 'p', alsoInRoom: true }),
      created('r3', 'carol', 4, 'more', { parentId: 'p' }),
    ]);
    store.flush();
    expect(timeline().messages.map((m) => m.id)).toEqual(['p', 'r2']);
    expect(timeline().threads.get('p')!.map((m) => m.id)).toEqual(['r1', 'r2', 'r3']);
    expect(timeline().messages[0]!.thread).toEqual({ replies: 3, lastRepliers: ['carol', 'dave'], lastReplyAt: 1004, unread: 3 });
  });

  test('a deleted reply is no longer counted; threads that did not change keep their arrays', () => {
    const { store, timeline } = setup();
    store.receiveAll([created('p', 'bob', 1, 'q'), created('r1', 'carol', 2, 'a', { parentId: 'p' }), created('o', 'bob', 3, 'other')]);
    store.flush();
    store.receiveAll([created('q', 'bob', 4, 'q2'), created('s1', 'dave', 5, 'b', { parentId: 'q' })]);
    store.flush();
    const pThread = timeline().threads.get('p');
    store.receive(deleted('d', 's1', 'dave', 6));
    store.flush();
    expect(timeline().threads.get('p')).toBe(pThread);
    expect(timeline().messages.find((m) => m.id === 'q')!.thread).toBeUndefined();
  });

  test('only replies also sent to the room count as unread in it; a mention of me counts, in a thread too', () => {
    const { store, state } = setup();
    store.receiveAll([
      created('p', 'bob', 1, 'hi'),
      created('r1', 'carol', 2, 'psst', { parentId: 'p' }),
      created('r2', 'carol', 3, 'hey @me', { parentId: 'p', mentions: ['me'] }),
      created('m', 'dave', 4, '@me look', { mentions: ['me'] }),
      created('x', 'dave', 5, '@bob only', { mentions: ['bob'] }),
    ]);
    store.flush();
    expect(state().unread[ROOM]).toBe(3);
    expect(state().mentions[ROOM]).toBe(2);
    expect(state().timelines[ROOM]!.messages.find((m) => m.id === 'm')!.mentionsMe).toBe(true);
  });

  test('a reply of ours shows in its thread at once, with its extras', () => {
    const { store, timeline } = setup();
    store.receive(created('p', 'bob', 1, 'q'));
    store.flush();
    store.addPending(ROOM, { id: 'mine', text: 'sure', createdAt: 5, extras: { parentId: 'p', attachments: [image] } });
    expect(timeline().messages.map((m) => m.id)).toEqual(['p']);
    const [reply] = timeline().threads.get('p')!;
    expect(reply).toMatchObject({ id: 'mine', status: 'pending', parentId: 'p', attachments: [image] });
  });
});
