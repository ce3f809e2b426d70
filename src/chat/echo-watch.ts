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
  /** When it counts as lost (epoch ms); Infinity while its resend is unanswered. */
  due: number;
  /** The current wait: doubled after each resend, so a slow reader cannot make a loop of reconnects. */
  wait: number;
}

/** The longest wait for an echo after repeated resends. */
const MAX_WAIT = 120_000;

export class EchoWatch {
  private readonly awaiting = new Map<string, Awaited>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The connection was replaced because of lost events: they are sent once it is back. */
  private resendOnConnect = false;

  constructor(private readonly ctx: EchoWatchContext) {}

  /**
   * `event` is about to be sent to a room whose stream we read. Tracked
   * before its receipt: the stream may bring it back before the RECEIPT.
   */
  track(event: RoomEvent): void {
    const known = this.awaiting.get(event.id);
    this.awaiting.set(event.id, { event, due: Infinity, wait: known?.wait ?? this.ctx.timeout });
  }

  /** The broker receipted a tracked event: it must be back within the wait. */
  receipted(eventId: string): void {
    const entry = this.awaiting.get(eventId);
    if (!entry) return;
    entry.due = this.ctx.now() + entry.wait;
    this.schedule();
  }

  /** The send failed: the send path reports it; nothing to expect. */
  forget(eventId: string): void {
    this.arrived(eventId);
  }

  /** The room's stream delivered an event (ours or not). */
  arrived(eventId: string): void {
    if (this.awaiting.delete(eventId) && this.awaiting.size === 0) this.cancel();
  }

  /** Nobody reads the room any more: its events can no longer be checked. */
  forgetRoom(roomId: string): void {
    for (const [id, entry] of this.awaiting) if (entry.event.roomId === roomId) this.awaiting.delete(id);
    if (this.awaiting.size === 0) this.cancel();
  }

  /**
   * The session is connected again. After a replacement the lost events go
   * out now, in order; after any other drop the resumed readers get a whole
   * wait to bring them back.
   */
  connected(): void {
    const now = this.ctx.now();
    const resend = this.resendOnConnect;
    this.resendOnConnect = false;
    for (const entry of this.awaiting.values()) {
      if (!resend) {
        if (entry.due !== Infinity) entry.due = now + entry.wait;
        continue;
      }
      entry.wait = Math.min(entry.wait * 2, MAX_WAIT);
      entry.due = Infinity;
      const { event } = entry;
      // A failed resend is the send path's to report.
      this.ctx.resend(event).catch(() => undefined);
    }
    this.schedule();
  }

  dispose(): void {
    this.awaiting.clear();
    this.cancel();
  }

  private schedule(): void {
    this.cancel();
    let next = Infinity;
    for (const entry of this.awaiting.values()) next = Math.min(next, entry.due);
    if (next !== Infinity) this.timer = setTimeout(() => this.check(), Math.max(0, next - this.ctx.now()));
  }

  private cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    this.timer = undefined;
    const now = this.ctx.now();
    const lost = [...this.awaiting.values()].some((entry) => entry.due <= now);
    if (!lost) return this.schedule();
    // Not connected: `connected()` gives the readers a fresh wait.
    if (this.ctx.session.getSnapshot().status !== 'connected') return;
    this.resendOnConnect = true;
    this.ctx.session.reconnect('a receipted send did not come back through its stream');
  }
}
