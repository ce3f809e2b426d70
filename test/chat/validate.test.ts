/**
 * Queued chat messages read back from an outbox (storage may hold anything):
 * validated like incoming events.
 */
import { newEventId, roomEventFrame } from '../../src/chat/protocol';
import { countQueuedMessages, validateQueuedMessage } from '../../src/chat/validate';
import type { OutboxEntry } from '../../src/core/types';

function entry(frame: { destination: string; body: string; headers: Record<string, string> }, id: string, over: Partial<OutboxEntry> = {}): OutboxEntry {
  return { id, destination: frame.destination, headers: frame.headers, body: frame.body, status: 'queued', createdAt: 1, attempts: 0, ...over };
}

const id = newEventId();
const message = entry(roomEventFrame({ id, type: 'message.created', roomId: 'general', ts: 5, text: 'hi' }, 'alice'), id);
const readId = newEventId();
const read = entry(roomEventFrame({ id: readId, type: 'read', roomId: 'general', ts: 6, messageId: id, offset: 3 }, 'alice'), readId);

test('a queued message.created is read back as its event', () => {
  expect(validateQueuedMessage(message)).toEqual({ ok: true, value: { id, type: 'message.created', roomId: 'general', ts: 5, text: 'hi' } });
});

test('one queued to the room as an existing queue (a room directory keeps the rooms) is read back too', () => {
  expect(validateQueuedMessage({ ...message, destination: '/amq/queue/chat.room.general' })).toEqual(validateQueuedMessage(message));
  expect(validateQueuedMessage({ ...message, destination: '/amq/topic/chat.room.general' })).toBeNull();
});

test('other entries are not chat messages: read markers, other destinations, binary bodies', () => {
  expect(validateQueuedMessage(read)).toBeNull();
  expect(validateQueuedMessage({ ...message, destination: '/topic/elsewhere' })).toBeNull();
  expect(validateQueuedMessage({ ...message, binary: true })).toBeNull();
});

test('an invalid queued message is an error, never a message', () => {
  const bad = [
    { ...message, body: '{not json' },
    { ...message, body: JSON.stringify({ id, type: 'message.created', roomId: 'general', ts: 5, text: 42 }) },
    { ...message, body: JSON.stringify({ id, type: 'message.created', roomId: 'other', ts: 5, text: 'hi' }) },
    { ...message, id: newEventId() },
  ];
  for (const e of bad) {
    const result = validateQueuedMessage(e);
    expect(result?.ok).toBe(false);
    if (result && !result.ok) expect(result.error.code).toBe('invalid-event');
  }
});

test('countQueuedMessages counts valid chat messages only', () => {
  expect(countQueuedMessages([message, read, { ...message, body: '{' }])).toBe(1);
  // Failed and confirmed ones no longer wait.
  expect(countQueuedMessages([{ ...message, status: 'sent' }, { ...message, status: 'failed' }, { ...message, status: 'confirmed' }])).toBe(1);
  expect(countQueuedMessages([])).toBe(0);
});
