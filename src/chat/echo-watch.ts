/**
 * A room event the broker receipted must come back through the room's
 * stream, which this client reads anyway. Brokers have confirmed stream
 * publishes they then dropped: RabbitMQ 3.10, when a stream's leader dies
 * while a connection has publishes to it unconfirmed, resends them under the
 * wrong sequence numbers, and the stream then discards that connection's
 * next publishes as duplicates while still confirming them. Only another
 * connection (another channel) publishes again. So an event of ours that
 * has not come back `timeout` ms after its receipt replaces the connection
 * and is sent again, in the order first sent, with the same id: the store
 * keeps the copy that arrives first and drops any other.
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

interface Awaited {
  event: RoomEvent;
  /** When it counts as lost (epoch ms); Infinity until its RECEIPT. */
  due: number;
  /** The current wait: doubled after each resend, so a slow reader cannot make a loop of reconnects. */
  wait: number;
}

/** The longest wait for an echo after repeated resends. */
const MAX_WAIT = 120_000;

export type EchoWatch = ReturnType<typeof createEchoWatch>;

export function createEchoWatch({ session, now, resend, timeout }: EchoWatchContext) {
  const awaiting = new Map<string, Awaited>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The connection was replaced because of lost events: they are sent once it is back. */
  let resendOnConnect = false;

  const schedule = (): void => {
    clearTimeout(timer);
    let next = Infinity;
    for (const entry of awaiting.values()) next = Math.min(next, entry.due);
    if (next !== Infinity) timer = setTimeout(check, Math.max(0, next - now()));
  };

  const check = (): void => {
    const at = now();
    if (![...awaiting.values()].some((entry) => entry.due <= at)) return schedule();
    // Not connected: `connected()` gives the readers a fresh wait.
    if (session.getSnapshot().status !== 'connected') return;
    resendOnConnect = true;
    session.reconnect('a receipted send did not come back through its stream');
  };

  /** The room's stream delivered an event (ours or not), or its send failed (the send path reports that). */
  const arrived = (eventId: string): void => {
    if (awaiting.delete(eventId) && awaiting.size === 0) clearTimeout(timer);
  };

  return {
    /**
     * `event` is about to be sent to a room whose stream we read. Tracked
     * before its receipt: the stream may bring it back before the RECEIPT.
     */
    track(event: RoomEvent): void {
      awaiting.set(event.id, { event, due: Infinity, wait: awaiting.get(event.id)?.wait ?? timeout });
    },

    /** The broker receipted a tracked event: it must be back within the wait. */
    receipted(eventId: string): void {
      const entry = awaiting.get(eventId);
      if (!entry) return;
      entry.due = now() + entry.wait;
      schedule();
    },

    arrived,

    /** Nobody reads the room any more: its events can no longer be checked. */
    forgetRoom(roomId: string): void {
      for (const [id, entry] of awaiting) if (entry.event.roomId === roomId) arrived(id);
    },

    /**
     * The session is connected again. After a replacement the lost events go
     * out now, in order; after any other drop the resumed readers get a whole
     * wait to bring them back.
     */
    connected(): void {
      const resending = resendOnConnect;
      resendOnConnect = false;
      for (const entry of awaiting.values()) {
        if (!resending) {
          if (entry.due !== Infinity) entry.due = now() + entry.wait;
          continue;
        }
        entry.wait = Math.min(entry.wait * 2, MAX_WAIT);
        entry.due = Infinity;
        // A failed resend is the send path's to report.
        resend(entry.event).catch(() => undefined);
      }
      schedule();
    },

    dispose(): void {
      awaiting.clear();
      clearTimeout(timer);
    },
  };
}
