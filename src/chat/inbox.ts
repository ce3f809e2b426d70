/**
 * Direct messages: a DM is a room stream whose id names its members
 * (`dm.alice.bob`), so the broker's permissions can keep it to them; each
 * member learns of it from a `dm.started` event in their own inbox stream
 * (`/queue/user.<login>.inbox`, which only its owner reads), also after a
 * reload, since the inbox is read from its start.
 */
import type { StompSession } from '../core/types';
import { ChatError, directMessageId, inboxDestination, inboxEventFrame, newEventId } from './protocol';
import type { ChatStore } from './store';
import { StreamFollower } from './stream-reader';
import { validateInboxMessage } from './validate';

export interface InboxContext {
  session: StompSession;
  store: ChatStore;
  me(): string | null;
  now(): number;
  report(error: ChatError): void;
}

export class Inbox {
  private follower: StreamFollower | null = null;
  private users = 0;

  constructor(private readonly ctx: InboxContext) {}

  /** Read the current user's inbox while any caller holds it (ref-counted). */
  watch(): () => void {
    const me = this.ctx.me();
    // Logins that cannot have an inbox take part in no direct message.
    if (me === null || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(me)) return () => undefined;
    this.users += 1;
    this.follower ??= new StreamFollower({
      session: this.ctx.session,
      destination: inboxDestination(me),
      start: 'first',
      prefetch: 200,
      onMessage: (message) => {
        const result = validateInboxMessage(message, me);
        if (result.ok) this.ctx.store.receive({ kind: 'inbox', envelope: result.value });
        else this.ctx.report(result.error);
      },
    });
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.users === 0) this.stop();
    };
  }

  /**
   * Start (or reopen) the direct message between the current user and
   * `others`: announced in every member's inbox, ours included. Resolves with
   * its room id once every announcement is confirmed.
   */
  async start(others: readonly string[]): Promise<string> {
    const me = this.ctx.me();
    if (me === null) throw new Error('chat: the current user is not known yet');
    const roomId = directMessageId([me, ...others]);
    const members = roomId.slice(3).split('.');
    const { session, report } = this.ctx;
    this.ctx.store.flush();
    if (this.ctx.store.getState().directMessages.some((d) => d.id === roomId)) return roomId;
    const ts = this.ctx.now();
    await Promise.all(
      members.map((member) => {
        // One event per inbox: each is its own outbox entry (the event id is the idempotency key).
        const frame = inboxEventFrame({ id: newEventId(), type: 'dm.started', roomId, ts, members }, me, member);
        return session.send(frame.destination, frame.body, frame.headers);
      }),
    ).catch((error: unknown) => {
      report(new ChatError('send-failed', `starting the direct message ${roomId} failed: ${String(error)}`, { roomId, cause: error }));
      throw error;
    });
    return roomId;
  }

  stop(): void {
    this.follower?.stop();
    this.follower = null;
  }
}
