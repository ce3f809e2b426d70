/**
 * Unread per thread as the store folds it: replies from others after where
 * the user last viewed the thread, read as they arrive while it is viewed,
 * and merged with positions saved before a reload.
 */
import { createChatStore } from '../../src/chat/store';
import type { Incoming } from '../../src/chat/state';
import type { MessageExtras, RoomEvent } from '../../src/chat/protocol';
import { mergeThreadReads, sameSummary } from '../../src/chat/thread-reads';

const ROOM = 'general';

function created(id: string, author: string, offset: number, extras: MessageExtras = {}): Incoming {
  const event = { id, type: 'message.created', roomId: ROOM, ts: 1000 + offset, text: id, ...extras } as RoomEvent;
  return { kind: 'room', envelope: { event, author, offset } };
}
const reply = (id: string, author: string, offset: number, parentId = 'p') => created(id, author, offset, { parentId });
function deleted(id: string, messageId: string, author: string, offset: number): Incoming {
  const event = { id, type: 'message.deleted', roomId: ROOM, ts: 1000 + offset, messageId } as RoomEvent;
  return { kind: 'room', envelope: { event, author, offset } };
}

function setup(followedFrom: number | null = 0) {
  const store = createChatStore({ schedule: () => undefined });
  store.setMe('me');
  store.setOpen(ROOM, true);
  if (followedFrom !== null) store.setHistory(ROOM, { followedFrom });
  const timeline = () => store.getState().timelines[ROOM]!;
  const summary = (id = 'p') => timeline().messages.find((m) => m.id === id)?.thread;
  const fold = (...incoming: Incoming[]) => {
    store.receiveAll(incoming);
    store.flush();
  };
  return { store, timeline, summary, fold };
}

describe('unread per thread', () => {
  test("others' replies since the room was first followed count; my own never do", () => {
    const { summary, fold, timeline } = setup(2);
    fold(created('p', 'bob', 1), reply('old', 'carol', 2), reply('r1', 'carol', 3), reply('mine', 'me', 4), reply('r2', 'dave', 5));
    expect(summary()).toMatchObject({ replies: 4, unread: 2 });
    expect(timeline().threadReads).toEqual({ since: 2, read: {} });
  });

  test('no unread field when all is read; a deleted reply no longer counts', () => {
    const { summary, fold } = setup();
    fold(created('p', 'bob', 1), reply('mine', 'me', 2));
    expect(summary()).not.toHaveProperty('unread');
    fold(reply('r1', 'carol', 3), reply('r2', 'carol', 4));
    expect(summary()!.unread).toBe(2);
    fold(deleted('d', 'r1', 'carol', 5));
    expect(summary()).toMatchObject({ replies: 2, unread: 1 });
  });

  test('viewing the thread reads it, and replies arriving meanwhile are read as they come', () => {
    const { store, summary, fold, timeline } = setup();
    fold(created('p', 'bob', 1), reply('r1', 'carol', 2), created('q', 'bob', 3), reply('s1', 'carol', 4, 'q'));
    expect([summary()!.unread, summary('q')!.unread]).toEqual([1, 1]);
    store.setViewingThread(ROOM, 'p', true);
    expect(summary()!.unread).toBeUndefined();
    expect(timeline().threadReads.read).toEqual({ p: 2 });
    fold(reply('r2', 'dave', 5));
    expect(summary()).toMatchObject({ replies: 2 });
    expect(summary()!.unread).toBeUndefined();
    expect(summary('q')!.unread).toBe(1); // another thread stays unread
    store.setViewingThread(ROOM, 'p', false);
    fold(reply('r3', 'dave', 6));
    expect(summary()!.unread).toBe(1);
    expect(timeline().threadReads.read).toEqual({ p: 5 });
  });

  test('closing another thread does not stop viewing this one', () => {
    const { store, timeline } = setup();
    store.setViewingThread(ROOM, 'p', true);
    store.setViewingThread(ROOM, 'q', false);
    expect(timeline().viewingThread).toBe('p');
  });

  test('positions saved before a reload are merged in: the earlier since, the later read', () => {
    const { store, summary, fold, timeline } = setup(10);
    store.restoreThreadReads(ROOM, { since: 1, read: { p: 3 } });
    fold(created('p', 'bob', 1), reply('r1', 'carol', 2), reply('r2', 'carol', 3), reply('r3', 'dave', 4));
    expect(summary()!.unread).toBe(1);
    const reads = timeline().threadReads;
    store.restoreThreadReads(ROOM, { since: 5, read: { p: 2 } });
    expect(timeline().threadReads).toBe(reads);
    expect(reads).toEqual({ since: 1, read: { p: 3 } });
  });

  test('the first message gets a new view only when its summary changes', () => {
    const { fold, timeline } = setup();
    fold(created('p', 'bob', 1), reply('r1', 'carol', 2));
    const parent = timeline().messages[0];
    fold(created('x', 'bob', 3));
    expect(timeline().messages[0]).toBe(parent);
    fold(reply('r2', 'carol', 4));
    expect(timeline().messages[0]).not.toBe(parent);
    expect(timeline().messages[0]!.thread!.unread).toBe(2);
  });
});

test('sameSummary and mergeThreadReads', () => {
  const s = { replies: 2, lastRepliers: ['a', 'b'], lastReplyAt: 5 };
  expect(sameSummary(s, { ...s, lastRepliers: ['a', 'b'] })).toBe(true);
  expect(sameSummary(s, { ...s, unread: 1 })).toBe(false);
  expect(sameSummary(s, { ...s, lastRepliers: ['b', 'a'] })).toBe(false);
  expect(sameSummary(undefined, s)).toBe(false);
  const current = { since: null, read: { a: 4 } };
  expect(mergeThreadReads(current, { since: null, read: { a: 3 } })).toBe(current);
  expect(mergeThreadReads(current, { since: 7, read: { a: 5, b: 1 } })).toEqual({ since: 7, read: { a: 5, b: 1 } });
});
