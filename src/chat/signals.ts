/**
 * Ephemeral signals on topics: presence (join, heartbeat, leave; peers expire
 * after their TTL) and typing (throttled; expires on its own). Signals are
 * only sent while connected: a stale "typing" flushed from the outbox after
 * an outage would be wrong, and presence is re-announced on reconnect anyway.
 */
import type { IncomingMessage, StompSession } from '../core/types';
import { chatDestinations, newEventId, presenceFrame, typingFrame, type ChatError, type PresenceSignal, type TypingSignal } from './protocol';
import type { ChatStore } from './store';
import { validatePresenceMessage, validateTypingMessage } from './validate';

export interface SignalContext {
  session: StompSession;
  store: ChatStore;
  me(): string | null;
  now(): number;
  report(error: ChatError): void;
  presenceInterval: number;
  presenceTtl: number;
  typingThrottle: number;
}

function connected(session: StompSession): boolean {
  return session.getSnapshot().status === 'connected';
}

/** Fire-and-forget signal send: failures only matter to the debug log. */
function sendSignal(ctx: SignalContext, frame: { destination: string; body: string; headers: Record<string, string> }): void {
  ctx.session.send(frame.destination, frame.body, frame.headers).catch(() => undefined);
}

/** Our presence in one room, while a view has it open. */
export class PresenceMembership {
  private readonly unsubscribe: () => void;
  private readonly timer: ReturnType<typeof setInterval>;
  private lastSent = 0;
  private answerTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly ctx: SignalContext,
    private readonly roomId: string,
  ) {
    const destination = chatDestinations.presence(roomId);
    this.unsubscribe = ctx.session.subscribe(destination, (message) => this.received(message, destination));
    this.timer = setInterval(() => this.signal('presence.heartbeat'), ctx.presenceInterval);
    this.signal('presence.join');
  }

  /** After a reconnect peers may have expired us: announce again. */
  rejoin(): void {
    this.signal('presence.join');
  }

  leave(): void {
    clearInterval(this.timer);
    clearTimeout(this.answerTimer);
    this.signal('presence.leave');
    this.unsubscribe();
  }

  private received(message: IncomingMessage, destination: string): void {
    const result = validatePresenceMessage(message, destination);
    if (!result.ok) return this.ctx.report(result.error);
    this.ctx.store.receive({ kind: 'presence', envelope: result.value });
    const { event, author } = result.value;
    if (event.type === 'presence.join' && author !== this.ctx.me()) this.answer();
    // Presence counts a user once, however many tabs: when another tab of ours
    // leaves the room while this one still shows it, we are still here.
    if (event.type === 'presence.leave' && author === this.ctx.me()) this.signal('presence.heartbeat');
  }

  /**
   * A newcomer should see us now, not at our next heartbeat. At most one
   * reply a second; one due sooner is deferred, never dropped: when two
   * members join at once, the broker may route one's join before the
   * other's subscription exists, and only the answer to the other join tells
   * the one who missed it.
   */
  private answer(): void {
    const wait = this.lastSent + 1000 - this.ctx.now();
    if (wait < 0) return this.signal('presence.heartbeat');
    this.answerTimer ??= setTimeout(() => {
      this.answerTimer = undefined;
      this.signal('presence.heartbeat');
    }, wait);
  }

  private signal(type: PresenceSignal['type']): void {
    const me = this.ctx.me();
    if (me === null || !connected(this.ctx.session)) return;
    this.lastSent = this.ctx.now();
    const event: PresenceSignal = { id: newEventId(), type, roomId: this.roomId, ts: this.lastSent, ttl: this.ctx.presenceTtl };
    sendSignal(this.ctx, presenceFrame(event, me));
  }
}

/** Reads the typing topic of a room while a view has it open. */
export function watchTyping(ctx: SignalContext, roomId: string): () => void {
  const destination = chatDestinations.typing(roomId);
  return ctx.session.subscribe(destination, (message) => {
    const result = validateTypingMessage(message, destination);
    if (result.ok) ctx.store.receive({ kind: 'typing', envelope: result.value });
    else ctx.report(result.error);
  });
}

/** Our own typing signals: at most one start per `typingThrottle` per room; a stop only after a start. */
export class TypingSender {
  private readonly lastStart = new Map<string, number>();
  constructor(private readonly ctx: SignalContext) {}

  typing(roomId: string): void {
    const now = this.ctx.now();
    const last = this.lastStart.get(roomId);
    if (last !== undefined && now - last < this.ctx.typingThrottle) return;
    if (this.send(roomId, 'typing.start')) this.lastStart.set(roomId, now);
  }

  stop(roomId: string): void {
    if (!this.lastStart.has(roomId)) return;
    this.lastStart.delete(roomId);
    this.send(roomId, 'typing.stop');
  }

  private send(roomId: string, type: TypingSignal['type']): boolean {
    const me = this.ctx.me();
    if (me === null || !connected(this.ctx.session)) return false;
    sendSignal(this.ctx, typingFrame({ id: newEventId(), type, roomId, ts: this.ctx.now() }, me));
    return true;
  }
}
