/**
 * A room event the broker receipted must come back through the room's
 * stream, which this client reads anyway. Brokers have confirmed stream
 * publishes they then dropped: RabbitMQ 3.10, when a stream's leader dies
 * while a connection has publishes to it unconfirmed, resends them under the
 * channel's publish numbers instead of the stream's, and the stream then
 * discards that connection's next publishes as duplicates while confirming
 * them; the resent ones are never confirmed. Only another connection (another
 * channel) publishes normally again. Two signs, whichever comes first:
 * - a RECEIPT for a room's event while an earlier event to the same room is
 *   still unanswered (one stream confirms in order: its leader changed);
 * - an event still not back `timeout` ms after its RECEIPT.
 * Then the connection is replaced and every receipted event not yet back is
 * sent again with the same id, ahead of later sends (the outbox keeps each
 * id's place); the store keeps the copy that arrives first.
 */
import type { StompSession } from '../core/types';
import type { RoomEvent } from './protocol';

/** What the watch needs from the chat client. */
export interface EchoWatchContext {
  session: StompSession;
  now(): number;
  /** Send the event again (same id). */
  resend(event: RoomEvent): Promise<void>;
  /** Ms after a receipt before an event that has not come back counts as lost. */
  timeout: number;
}

interface Watched {
  event: RoomEvent;
  receipted: boolean;
  arrived: boolean;
  /** When it counts as lost (epoch ms); Infinity until its RECEIPT. */
  due: number;
  /** The current wait: doubled after each resend, so a slow reader cannot make a loop of reconnects. */
  wait: number;
}

/** The longest wait for an echo after repeated resends. */
const MAX_WAIT = 120_000;

export type EchoWatch = ReturnType<typeof createEchoWatch>;

export function createEchoWatch({ session, now, resend, timeout }: EchoWatchContext) {
  /** In send order (a resend keeps its place). */
  const watched = new Map<string, Watched>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const schedule = (): void => {
    clearTimeout(timer);
    let next = Infinity;
    for (const entry of watched.values()) next = Math.min(next, entry.due);
    if (next !== Infinity) timer = setTimeout(check, Math.max(0, next - now()));
  };

  const check = (): void => {
    const at = now();
    if ([...watched.values()].some((entry) => entry.due <= at)) replace('a receipted send did not come back through its stream');
    else schedule();
  };

  /** Replace the connection; what it lost goes again first. Not connected: `connected()` restarts the waits. */
  const replace = (reason: string): void => {
    if (session.getSnapshot().status !== 'connected') return;
    // Synchronous: from here sends queue for the next connection, each at its old place.
    session.reconnect(reason);
    for (const entry of watched.values()) {
      if (!entry.receipted || entry.arrived) continue;
      entry.receipted = false;
      entry.due = Infinity;
      entry.wait = Math.min(entry.wait * 2, MAX_WAIT);
      // A failed resend is the send path's to report.
      resend(entry.event).catch(() => undefined);
    }
    schedule();
  };

  /** Done with an entry: its send failed, or it is both receipted and back. */
  const drop = (eventId: string): void => {
    if (watched.delete(eventId) && watched.size === 0) clearTimeout(timer);
  };

  return {
    /**
     * `event` is about to be sent to a room whose stream we read. Tracked
     * before its receipt: the stream may bring it back before the RECEIPT.
     */
    track(event: RoomEvent): void {
      watched.set(event.id, { event, receipted: false, arrived: false, due: Infinity, wait: watched.get(event.id)?.wait ?? timeout });
    },

    /** The broker receipted a tracked event. */
    receipted(eventId: string): void {
      const entry = watched.get(eventId);
      if (!entry) return;
      for (const [id, earlier] of watched) {
        if (id === eventId) break;
        if (!earlier.receipted && earlier.event.roomId === entry.event.roomId) {
          entry.receipted = true;
          return replace('RECEIPTs of a stream came out of order');
        }
      }
      entry.receipted = true;
      if (entry.arrived) return drop(eventId);
      entry.due = now() + entry.wait;
      schedule();
    },

    /** The room's stream delivered an event (ours or not). */
    arrived(eventId: string): void {
      const entry = watched.get(eventId);
      if (!entry) return;
      entry.arrived = true;
      if (entry.receipted) drop(eventId);
    },

    /** The send failed: the send path reports it. */
    failed: drop,

    /** Nobody reads the room now: its events can no longer be checked. */
    forgetRoom(roomId: string): void {
      for (const [id, entry] of watched) if (entry.event.roomId === roomId) drop(id);
    },

    /** Connected again after a drop: the resumed readers get a whole wait to bring events back. */
    connected(): void {
      for (const entry of watched.values()) if (entry.due !== Infinity) entry.due = now() + entry.wait;
      schedule();
    },

    dispose(): void {
      watched.clear();
      clearTimeout(timer);
    },
  };
}
