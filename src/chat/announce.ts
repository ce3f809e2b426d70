/**
 * One message to several rooms, all or none: the rooms' SENDs go in one
 * STOMP transaction (STOMP 1.2 §"BEGIN", §"COMMIT"), shown as pending until
 * it commits and discarded if it does not.
 */
import type { StompSession } from '../core/types';
import { ChatError, EVENT_ID_HEADER, assertRoomId, errorText, newEventId, roomEventFrame } from './protocol';
import type { EchoWatch } from './echo-watch';
import type { ChatStore } from './store';

export interface AnnounceContext {
  session: StompSession;
  store: ChatStore;
  echoes: EchoWatch;
  report(error: ChatError): void;
  /** The room's stream is being read (its copy will replace the local one). */
  following(roomId: string): boolean;
  /** The current user; throws if unknown. */
  user(): string;
  now(): number;
}

export async function announce({ session, store, echoes, report, following, user, now }: AnnounceContext, roomIds: readonly string[], text: string): Promise<void> {
  if (!Array.isArray(roomIds) || roomIds.length === 0) throw new TypeError('announce: give at least one room id');
  const rooms = [...new Set(roomIds)];
  rooms.forEach((roomId) => assertRoomId(roomId));
  const me = user();
  const ts = now();
  const sends = rooms.map((roomId) => ({ roomId, id: newEventId() }));
  let transaction;
  try {
    transaction = session.begin();
  } catch (error) {
    report(new ChatError('announce-failed', `announce failed: ${errorText(error)}`, { cause: error }));
    throw error;
  }
  for (const { roomId, id } of sends) store.addPending(roomId, { id, text, createdAt: ts });
  try {
    for (const { roomId, id } of sends) {
      const event = { id, type: 'message.created' as const, roomId, ts, text };
      const frame = roomEventFrame(event, me);
      if (following(roomId)) echoes.track(event);
      transaction.send(frame.destination, frame.body, { ...frame.headers, [EVENT_ID_HEADER]: id });
    }
    await transaction.commit();
    for (const { id } of sends) echoes.receipted(id);
  } catch (error) {
    for (const { id } of sends) echoes.failed(id);
    await transaction.abort().catch(() => undefined);
    // Nothing was committed, so nothing is shown.
    for (const { roomId, id } of sends) store.discard(roomId, id);
    report(new ChatError('announce-failed', `announce to ${rooms.join(', ')} failed: ${errorText(error)}`, { cause: error }));
    throw error;
  }
  for (const { roomId, id } of sends) {
    if (following(roomId)) store.markSent(roomId, id);
    else store.discard(roomId, id);
  }
}
